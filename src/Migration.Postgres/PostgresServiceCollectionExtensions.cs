using Microsoft.Extensions.DependencyInjection.Extensions;
using Migration.Core.Abstractions;
using Migration.Postgres.Catalog;
using Migration.Postgres.Control;
using Migration.Postgres.Counting;
using Migration.Postgres.Execution;
using Migration.Postgres.Quarantine;
using Migration.Postgres.Mapping;
using Migration.Postgres.Schema;
using Migration.Postgres.Validation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL implementations of the Core abstractions.</summary>
public static class PostgresServiceCollectionExtensions
{
    public static IServiceCollection AddMigrationPostgres(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<ICatalogReader, PostgresCatalogReader>();
        services.AddSingleton<ITargetSchemaBuilder, PostgresTargetSchemaBuilder>();
        services.AddSingleton<IMigrationValidator, PostgresMigrationValidator>();
        services.TryAddSingleton<NpgsqlDataSourceProvider>();
        services.AddSingleton<IControlStore, PostgresControlStore>();
        // Bad rows set aside by the copy: payloads encrypted when a PayloadProtector is registered (Security:Encryption).
        services.TryAddSingleton(sp => new QuarantineWriter(sp.GetService<Migration.Core.Security.PayloadProtector>()));
        services.TryAddSingleton(sp => new CopyResilienceMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<IQuarantineStore, PostgresQuarantineStore>();
        services.AddSingleton<ITableCopier, PostgresTableCopier>();
        // The same engine range by range (range work spread across the servers of a cluster).
        services.AddSingleton(sp => (IRangeCopier)sp.GetRequiredService<ITableCopier>());
        services.AddSingleton<IRowCounter, PostgresRowCounter>();
        services.AddSingleton<IMappingProbe, PostgresMappingProbe>();
        services.AddSingleton<IMissingParentProbe, PostgresMissingParentProbe>();
        services.AddSingleton<IParentPlaceholders, PostgresParentPlaceholders>();
        return services;
    }
}
