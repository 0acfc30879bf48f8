using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Regimes;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class RegimeTests(ApiFixture api)
{
    private const string Declare = """
        mutation ($t: String!, $r: Regime!, $b: String!) {
          declareRegime(territory: $t, regime: $r, basis: $b) { id territoryKato regime basis declaredBy validFrom validTo }
        }
        """;

    [Fact]
    public async Task A_district_takes_the_higher_of_its_own_and_its_regions_regime()
    {
        // Kyzylorda region and its district 431000000... picked from the data, not assumed.
        var district = await api.ScalarAsync<string>("SELECT min(kato) FROM territories WHERE parent_kato = '430000000'");
        await api.GraphQL.QueryAsync(Declare, new { t = district, r = "HIGH_READINESS", b = "district readiness" });
        await api.GraphQL.QueryAsync(Declare, new { t = "430000000", r = "EMERGENCY", b = "oblast emergency, akim decision 1" });

        var data = await api.GraphQL.QueryAsync($$"""
            { territory(kato: "{{district}}") { regime { own effective decidedBy { territoryKato basis } } parent { regime { own effective } } } }
            """);

        var regime = data["territory"]!["regime"]!;
        Assert.Equal("HIGH_READINESS", regime["own"]!.GetValue<string>());
        Assert.Equal("EMERGENCY", regime["effective"]!.GetValue<string>());
        Assert.Equal("430000000", regime["decidedBy"]!["territoryKato"]!.GetValue<string>());
        Assert.Equal("EMERGENCY", data["territory"]!["parent"]!["regime"]!["effective"]!.GetValue<string>());

        await api.GraphQL.QueryAsync(Declare, new { t = "430000000", r = "DAILY", b = "oblast back to daily" });
        var after = await api.GraphQL.QueryAsync($$"""{ territory(kato: "{{district}}") { regime { effective } } }""");
        Assert.Equal("HIGH_READINESS", after["territory"]!["regime"]!["effective"]!.GetValue<string>());
    }

    [Fact]
    public async Task History_keeps_every_declaration_and_closes_the_previous_one()
    {
        await api.GraphQL.QueryAsync(Declare, new { t = "550000000", r = "HIGH_READINESS", b = "flood forecast" });
        await api.GraphQL.QueryAsync(Declare, new { t = "550000000", r = "EMERGENCY", b = "dam overtopping" });

        var data = await api.GraphQL.QueryAsync("""{ territory(kato: "550000000") { regimeHistory { regime basis validFrom validTo } } }""");

        var history = data["territory"]!["regimeHistory"]!.AsArray();
        Assert.True(history.Count >= 2);
        Assert.Equal("EMERGENCY", history[0]!["regime"]!.GetValue<string>());
        Assert.Null(history[0]!["validTo"]);
        Assert.Equal("HIGH_READINESS", history[1]!["regime"]!.GetValue<string>());
        Assert.Equal(history[0]!["validFrom"]!.GetValue<DateTime>(), history[1]!["validTo"]!.GetValue<DateTime>(), TimeSpan.FromSeconds(1));
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM regime_declarations WHERE territory_kato = '550000000' AND valid_to IS NULL"));
    }

    [Fact]
    public async Task The_declaration_and_its_event_are_written_together()
    {
        var before = await api.ScalarAsync<long>("SELECT count(*) FROM events WHERE kind = 'REGIME_DECLARED' AND entity_id = '590000000'");

        var data = await api.GraphQL.QueryAsync(Declare, new { t = "590000000", r = "HIGH_READINESS", b = "storm warning" });

        var declarationId = data["declareRegime"]!["id"]!.GetValue<string>();
        Assert.Equal(before + 1, await api.ScalarAsync<long>("SELECT count(*) FROM events WHERE kind = 'REGIME_DECLARED' AND entity_id = '590000000'"));
        Assert.Equal(declarationId, await api.ScalarAsync<string>(
            "SELECT payload->>'declarationId' FROM events WHERE kind = 'REGIME_DECLARED' AND entity_id = '590000000' ORDER BY id DESC LIMIT 1"));
        Assert.True(await api.ScalarAsync<bool>(
            "SELECT ST_Intersects(geom, ST_SetSRID(ST_MakePoint(69.15, 54.87), 4326)) FROM events WHERE entity_id = '590000000' ORDER BY id DESC LIMIT 1"));
    }

    [Theory]
    [InlineData("999999999", "HIGH_READINESS", "x", "NOT_FOUND")]
    [InlineData("610000000", "HIGH_READINESS", "   ", "BAD_USER_INPUT")]
    public async Task Rejected_declarations_leave_nothing_behind(string kato, string regime, string basis, string code)
    {
        var declarations = await api.ScalarAsync<long>("SELECT count(*) FROM regime_declarations");
        // Background work of the fixture's own (jobs, the alert matcher) may log events meanwhile; only the regime's count.
        var regimeEvents = $"SELECT count(*) FROM events WHERE kind LIKE 'REGIME%' OR entity_id = '{kato}'";
        var events = await api.ScalarAsync<long>(regimeEvents);

        var response = await api.GraphQL.PostAsync(Declare, new { t = kato, r = regime, b = basis });

        Assert.Equal(code, response.ErrorCode());
        Assert.Equal(declarations, await api.ScalarAsync<long>("SELECT count(*) FROM regime_declarations"));
        Assert.Equal(events, await api.ScalarAsync<long>(regimeEvents));
    }

    [Fact]
    public async Task An_unknown_regime_is_a_validation_error()
    {
        var response = await api.GraphQL.PostAsync(Declare, new { t = "610000000", r = "PANIC", b = "x" });

        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
    }
}
