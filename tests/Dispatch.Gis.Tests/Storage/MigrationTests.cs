using Dispatch.Gis.Storage;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Storage;

[Trait("Category", "Database")]
public sealed class MigrationTests
{
    [Fact]
    public async Task Instances_migrating_at_once_apply_each_script_exactly_once()
    {
        var name = PostgisServer.NewDatabaseName("migrate");
        var connectionString = (await PostgisServer.CreateDatabaseAsync(name)).Owner;
        try
        {
            var sources = Enumerable.Range(0, 4).Select(_ =>
            {
                var builder = new NpgsqlDataSourceBuilder(connectionString);
                builder.UseNetTopologySuite();
                return builder.Build();
            }).ToList();

            var runs = await Task.WhenAll(sources.Select(db =>
                Task.Run(() => new Migrator(new OwnerDataSource(db, Owned: false), NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None))));

            var expected = Migrator.ExpectedScripts();
            Assert.Equal(expected.Count, runs.Sum(applied => applied.Count));
            await using var cmd = sources[0].CreateCommand("SELECT scriptname FROM schema_versions ORDER BY scriptname");
            await using var reader = await cmd.ExecuteReaderAsync();
            var journal = new List<string>();
            while (await reader.ReadAsync())
            {
                journal.Add(reader.GetString(0));
            }

            Assert.Equal(expected, journal);
            foreach (var db in sources)
            {
                await db.DisposeAsync();
            }
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }
}
