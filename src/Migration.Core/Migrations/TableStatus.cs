namespace Migration.Core.Migrations;

public enum TableStatus
{
    Pending,
    Running,
    Completed,
    Failed,
}
