using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Events;
using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Auth;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ScopeAndAuditTests(ApiFixture api)
{
    [Fact]
    public async Task A_scoped_viewer_sees_only_its_territories()
    {
        using var viewer = api.Client(api.Tokens.Issue("almaty-viewer", Role.Viewer, ["750000000"]));

        var data = await viewer.QueryAsync("""
            { territories { totalCount nodes { kato } }
              inside: territory(kato: "751110000") { kato parent { kato } }
              outside: territory(kato: "190000000") { kato } }
            """);

        var katos = data["territories"]!["nodes"]!.AsArray().Select(n => n!["kato"]!.GetValue<string>()).ToList();
        Assert.Equal(9, data["territories"]!["totalCount"]!.GetValue<long>()); // the city and its 8 districts
        Assert.All(katos, k => Assert.StartsWith("75", k, StringComparison.Ordinal));
        Assert.Equal("750000000", data["inside"]!["parent"]!["kato"]!.GetValue<string>());
        Assert.Null(data["outside"]);
    }

    [Fact]
    public async Task A_district_scope_hides_its_region_and_siblings()
    {
        using var viewer = api.Client(api.Tokens.Issue("district-viewer", Role.Viewer, ["751110000"]));

        var data = await viewer.QueryAsync("""{ territory(kato: "751110000") { kato parent { kato } } territories { nodes { kato } } }""");

        Assert.Null(data["territory"]!["parent"]);
        Assert.Equal(["751110000"], data["territories"]!["nodes"]!.AsArray().Select(n => n!["kato"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Subscribers_receive_only_events_of_their_territories()
    {
        var viewerToken = api.Tokens.Issue("astana-viewer", Role.Viewer, ["710000000"]);
        await using var ws = await EventLogTests.SubscribeAsync(api.BaseAddress, viewerToken,
            "subscription { events(kinds: [\"REGIME_DECLARED\"]) { entityId } }");

        // Keep changing an out-of-scope region, then the in-scope one: only the latter may arrive.
        var received = await EventLogTests.ReceiveWhileTriggeringAsync(ws, async () =>
        {
            await EventLogTests.DeclareAsync(api.GraphQL, "190000000", "HIGH_READINESS", "out of scope");
            await EventLogTests.DeclareAsync(api.GraphQL, "710000000", "HIGH_READINESS", "in scope");
        });

        Assert.Equal("710000000", received["entityId"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_service_role_cannot_change_or_remove_audit_rows_or_events()
    {
        await using var service = NpgsqlDataSource.Create(api.Database.Service);
        foreach (var sql in new[]
        {
            "UPDATE audit_log SET outcome = 'ALLOWED'", "DELETE FROM audit_log", "TRUNCATE audit_log",
            "UPDATE events SET kind = 'X'", "DELETE FROM events", "TRUNCATE events",
        })
        {
            await using var cmd = service.CreateCommand(sql);
            var error = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }

        // The service's ordinary writes still work, and the owner is stopped by the trigger.
        await using (var insert = service.CreateCommand("INSERT INTO audit_log (operation, outcome, error_code) VALUES ('probe', 'DENIED', 'FORBIDDEN')"))
        {
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        await using var ownerUpdate = api.Db.CreateCommand("UPDATE audit_log SET operation = 'x' WHERE operation = 'probe'");
        Assert.Contains("append-only", (await Assert.ThrowsAsync<PostgresException>(() => ownerUpdate.ExecuteNonQueryAsync())).MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Officers_read_the_audit_log_of_their_territories_and_admins_all_of_it()
    {
        var officerSubject = $"shymkent-officer-{Guid.NewGuid():N}";
        using var officer = api.Client(api.Tokens.Issue(officerSubject, Role.DutyOfficer112, ["790000000"]));
        await officer.QueryAsync("mutation { declareRegime(territory: \"790000000\", regime: HIGH_READINESS, basis: \"audit read\") { id } }");
        await api.GraphQL.QueryAsync("mutation { declareRegime(territory: \"630000000\", regime: HIGH_READINESS, basis: \"elsewhere\") { id } }");
        const string Query = """
            { auditLog(filter: { operation: "declareRegime" }, first: 1000) {
                nodes { subject operation outcome territoryKato arguments traceId } } }
            """;

        var mine = (await officer.QueryAsync(Query))["auditLog"]!["nodes"]!.AsArray();
        using var admin = api.Client(api.Tokens.Issue("admin", Role.Admin, ["*"]));
        var all = (await admin.QueryAsync(Query))["auditLog"]!["nodes"]!.AsArray();
        using var viewer = api.Client(api.Tokens.Issue("viewer", Role.Viewer, ["*"]));

        Assert.All(mine, r => Assert.True(r!["territoryKato"]?.GetValue<string>() == "790000000" || r["subject"]?.GetValue<string>() == officerSubject));
        var own = Assert.Single(mine, r => r!["subject"]?.GetValue<string>() == officerSubject)!;
        Assert.Equal("audit read", own["arguments"]!["basis"]!.GetValue<string>());
        Assert.Equal("HIGH_READINESS", own["arguments"]!["regime"]!.GetValue<string>());
        Assert.Contains(all, r => r!["territoryKato"]?.GetValue<string>() == "630000000");
        Assert.True(all.Count > mine.Count);
        Assert.Equal("FORBIDDEN", (await viewer.PostAsync(Query)).ErrorCode());
    }

    [Fact]
    public void Secrets_never_reach_the_audit_log()
    {
        var arguments = new Dictionary<string, global::GraphQL.Execution.ArgumentValue>
        {
            ["password"] = new("hunter2", global::GraphQL.Execution.ArgumentSource.Literal),
            ["input"] = new(new Dictionary<string, object?> { ["apiKey"] = "k", ["callSign"] = "Berkut-1" }, global::GraphQL.Execution.ArgumentSource.Literal),
        };

        var sanitised = AuditLog.Sanitise(arguments).ToJsonString();

        Assert.DoesNotContain("hunter2", sanitised, StringComparison.Ordinal);
        Assert.DoesNotContain("\"k\"", sanitised, StringComparison.Ordinal);
        Assert.Contains("Berkut-1", sanitised, StringComparison.Ordinal);
    }
}
