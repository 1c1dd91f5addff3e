using Migration.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMigrationServer();

var app = builder.Build();
app.MapMigrationServer();
app.Run();
