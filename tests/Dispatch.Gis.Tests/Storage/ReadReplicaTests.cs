using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Storage;

/// <summary>
/// Issue 14, scale-out: lag-tolerant reads on a real streaming replica (pg_basebackup -R of a cluster of the test's own).
/// Replay on the replica is paused, so what it serves is provably stale: a reader who did not write is served by it
/// (does not see a new zone), the writer is not (sees its own zone at once), and a replica further behind than the
/// configured bound is not used at all.
/// </summary>
[Trait("Category", "Database")]
public sealed class ReadReplicaTests
{
    private const string ZonesQuery = "{ zones(first: 100) { nodes { id } } }";

    [Fact]
    public async Task Reads_go_to_a_fresh_replica_except_the_writers_own_and_none_once_it_is_too_far_behind()
    {
        await using var primary = await PrivatePostgis.StartAsync();
        await using var replica = await primary.StartReplicaAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:DispatchRead"] = replica.Service,
            ["Dispatch:Scheduling:Enabled"] = "false",
            ["Dispatch:Database:Read:CheckInterval"] = "00:00:00.100",
            // Long enough that a replica paused for the length of this test still counts as fresh.
            ["Dispatch:Database:Read:MaxLag"] = "00:10:00",
        };
        await using var tolerant = await ApiFixture.StartAsync(primary.Service, primary.Owner, settings);
        await using var strict = await ApiFixture.StartAsync(primary.Service, primary.Owner,
            new Dictionary<string, string?>(settings) { ["Dispatch:Database:Read:MaxLag"] = "00:00:01" });
        var tokens = tolerant.Services.GetRequiredService<TokenIssuer>();
        using var writer = Client(tolerant, tokens.Issue("replica-writer", Role.DutyOfficer112, ["*"], "Writer"));
        var readerToken = tokens.Issue("replica-reader", Role.Viewer, ["*"], "Reader");
        using var reader = Client(tolerant, readerToken);
        using var strictReader = Client(strict, readerToken);

        await using var replicaAdmin = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={replica.Port};Database=postgres;Username=postgres");
        await WaitForReplayAsync(primary, replicaAdmin);
        // Both instances have seen the replica catch up (their first checks ran on a replica still replaying the migrations).
        await Task.Delay(500);
        await ExecuteAsync(replicaAdmin, "SELECT pg_wal_replay_pause()");

        var created = await writer.QueryAsync("mutation ($i: CreateZoneInput!) { createZone(input: $i) { id } }", new
        {
            i = new
            {
                kind = "ACTUAL", name = "replica test", hazard = "FIRE",
                geometry = new { type = "Polygon", coordinates = new[] { new[] { new[] { 76.9, 43.2 }, new[] { 77.0, 43.2 }, new[] { 77.0, 43.3 }, new[] { 76.9, 43.2 } } } },
            },
        });
        var zoneId = created["createZone"]!["id"]!.GetValue<string>();

        Assert.Contains(zoneId, Ids(await writer.QueryAsync(ZonesQuery)));
        Assert.DoesNotContain(zoneId, Ids(await reader.QueryAsync(ZonesQuery)));
        using (var ogc = await reader.Http.GetAsync(new Uri($"/ogc/collections/zones/items/{zoneId}", UriKind.Relative)))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, ogc.StatusCode);
        }

        // The strict instance's bound passes while replay stays paused: from then on it reads the primary.
        Assert.True(await WithinAsync(TimeSpan.FromSeconds(15), async () => Ids(await strictReader.QueryAsync(ZonesQuery)).Contains(zoneId)),
            "a replica further behind than MaxLag kept serving reads");
        Assert.DoesNotContain(zoneId, Ids(await reader.QueryAsync(ZonesQuery)));

        await ExecuteAsync(replicaAdmin, "SELECT pg_wal_replay_resume()");
        Assert.True(await WithinAsync(TimeSpan.FromSeconds(15), async () => Ids(await reader.QueryAsync(ZonesQuery)).Contains(zoneId)),
            "the replica never caught up after replay resumed");
    }

    private static GraphQLClient Client(WebApplication app, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return new GraphQLClient(http);
    }

    private static HashSet<string> Ids(JsonNode data) =>
        data["zones"]!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);

    private static async Task WaitForReplayAsync(PrivatePostgis primary, NpgsqlDataSource replicaAdmin)
    {
        await using var primaryAdmin = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={primary.Port};Database=postgres;Username=postgres");
        await using var lsn = primaryAdmin.CreateCommand("SELECT pg_current_wal_lsn()::text");
        var target = (string)(await lsn.ExecuteScalarAsync())!;
        Assert.True(await WithinAsync(TimeSpan.FromSeconds(30), async () =>
        {
            await using var cmd = replicaAdmin.CreateCommand("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn");
            cmd.Parameters.Add(new NpgsqlParameter { Value = target });
            return (bool)(await cmd.ExecuteScalarAsync())!;
        }), "the replica did not replay the migrations");
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<bool> WithinAsync(TimeSpan limit, Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }
}
