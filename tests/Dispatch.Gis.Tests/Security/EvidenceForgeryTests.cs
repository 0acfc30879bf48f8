using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Security;

/// <summary>
/// Issue 16: with the service's own login, nothing in the evidence can be forged or rewritten — ids and times of the
/// audit and event logs come from the database, and the history tables are insert-only (regime declarations may be
/// closed, once).
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class EvidenceForgeryTests(ApiFixture api)
{
    public static TheoryData<string> Forgeries() =>
    [
        "INSERT INTO events (id, kind, entity_type, entity_id) OVERRIDING SYSTEM VALUE VALUES (1, 'FORGED', 'X', 'x')",
        "INSERT INTO events (kind, entity_type, entity_id, occurred_at) VALUES ('FORGED', 'X', 'x', '2020-01-01')",
        "INSERT INTO audit_log (id, operation, outcome) OVERRIDING SYSTEM VALUE VALUES (1, 'forged', 'ALLOWED')",
        "INSERT INTO audit_log (at, operation, outcome) VALUES ('2020-01-01', 'forged', 'ALLOWED')",
        "UPDATE regime_declarations SET basis = 'rewritten'",
        "UPDATE regime_declarations SET valid_from = '2020-01-01'",
        "DELETE FROM regime_declarations",
        "INSERT INTO regime_declarations (id, territory_kato, regime, basis, declared_by) OVERRIDING SYSTEM VALUE VALUES (1, '750000000', 'DAILY', 'x', 'x')",
        "INSERT INTO regime_declarations (territory_kato, regime, basis, declared_by, valid_from) VALUES ('750000000', 'DAILY', 'x', 'x', '2020-01-01')",
        "UPDATE emergency_zone_versions SET note = 'rewritten'",
        "DELETE FROM emergency_zone_versions",
        "INSERT INTO emergency_zone_versions (zone_id, version, geom, changed_by, changed_at) SELECT zone_id, 99, geom, 'x', '2020-01-01' FROM emergency_zone_versions LIMIT 1",
        "INSERT INTO emergency_zone_versions (zone_id, version, geom, changed_by) SELECT zone_id, 99, geom, 'x' FROM emergency_zone_versions LIMIT 1",
        "INSERT INTO situation_updates (territory_kato, domain, text, sent_by, sent_at) VALUES ('750000000', 'OTHER', 'x', 'x', '2020-01-01')",
        "INSERT INTO deployment_reports (deployment_id, client_report_id, reported_by, reported_at) SELECT id, 'x', 'x', '2020-01-01' FROM deployments LIMIT 1",
        "INSERT INTO readiness_reports (service_id, units, reported_by, reported_at) SELECT id, '{}', 'x', '2020-01-01' FROM duty_services LIMIT 1",
        "UPDATE deployment_reports SET arrived_at = now()",
        "DELETE FROM readiness_reports",
        "UPDATE situation_updates SET text = 'rewritten'",
        "TRUNCATE situation_updates CASCADE",
    ];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task The_service_login_cannot(string sql)
    {
        // Something to rewrite, made through the API.
        var seed = new Seed(api.GraphQL);
        await seed.ZoneAsync(Seed.Square(76.9, 43.2, 0.01));
        await Events.EventLogTests.DeclareAsync(api.GraphQL, "750000000", "HIGH_READINESS", "forgery probe");
        await using var service = NpgsqlDataSource.Create(api.Database.Service);
        await using var cmd = service.CreateCommand(sql);

        var error = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task A_zone_version_ahead_of_its_zone_is_refused_even_for_the_owner()
    {
        var zone = await new Seed(api.GraphQL).ZoneAsync(Seed.Square(76.95, 43.21, 0.01));
        await using var ahead = api.Db.CreateCommand(
            $"INSERT INTO emergency_zone_versions (zone_id, version, geom, changed_by) SELECT zone_id, 2, geom, 'x' FROM emergency_zone_versions WHERE zone_id = '{zone}'");

        var error = await Assert.ThrowsAsync<PostgresException>(() => ahead.ExecuteNonQueryAsync());

        Assert.Contains("is not at version 2", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_declaration_stays_closed_even_for_the_owner()
    {
        await Events.EventLogTests.DeclareAsync(api.GraphQL, "790000000", "HIGH_READINESS", "close once 1");
        await Events.EventLogTests.DeclareAsync(api.GraphQL, "790000000", "DAILY", "close once 2");
        await using var reopen = api.Db.CreateCommand("UPDATE regime_declarations SET valid_to = NULL WHERE territory_kato = '790000000' AND valid_to IS NOT NULL");

        var error = await Assert.ThrowsAsync<PostgresException>(() => reopen.ExecuteNonQueryAsync());

        Assert.Contains("may only be closed, once", error.MessageText, StringComparison.Ordinal);
    }
}
