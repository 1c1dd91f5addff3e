// The proto message "Migration" shares its name with the root namespace; this alias keeps references unambiguous.
global using MigrationInfo = Migration.Contracts.V1.Migration;
