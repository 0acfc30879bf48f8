using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Services;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class CommsCheckTests(ApiFixture api)
{
    [Fact]
    public async Task A_shift_lists_every_partner_channel_and_shows_who_is_still_unconfirmed()
    {
        // A district of Almaty Region with two partners of its own, and one in the region at large.
        var seed = new Seed(api.GraphQL);
        const string District = "191000000";
        var police = await seed.ServiceAsync(District, "POLICE");
        var ambulance = await seed.ServiceAsync(District, "AMBULANCE");

        var shift = await seed.StartShiftAsync(District);

        var partners = shift["partners"]!.AsArray();
        var ids = partners.Select(p => p!["partner"]!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(police.Id, ids);
        Assert.Contains(ambulance.Id, ids);
        Assert.All(partners, p => Assert.False(p!["confirmed"]!.GetValue<bool>()));
        Assert.All(partners, p => Assert.All(p!["checks"]!.AsArray(), c => Assert.Equal("PENDING", c!["result"]!.GetValue<string>())));

        // Police: one channel answers, the other does not; ambulance: nothing yet.
        const string Record = "mutation ($s: ID!, $c: ID!, $r: CheckResult!) { recordCommsCheck(shift: $s, channel: $c, result: $r, dutyOfficer: \"Capt. Test\") { result confirmedDutyOfficer checkedBy } }";
        var shiftId = shift["id"]!.GetValue<string>();
        var ok = await api.GraphQL.QueryAsync(Record, new { s = shiftId, c = police.Channels[0], r = "OK" });
        await api.GraphQL.QueryAsync(Record, new { s = shiftId, c = police.Channels[1], r = "NOT_ANSWERED" });

        Assert.Equal("Capt. Test", ok["recordCommsCheck"]!["confirmedDutyOfficer"]!.GetValue<string>());
        var state = await api.GraphQL.QueryAsync("query ($s: ID!) { shift(id: $s) { unconfirmedPartners { id } partners { partner { id } confirmed } } }", new { s = shiftId });
        var unconfirmed = state["shift"]!["unconfirmedPartners"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain(police.Id, unconfirmed);
        Assert.Contains(ambulance.Id, unconfirmed);

        var pending = await api.GraphQL.PostAsync(Record, new { s = shiftId, c = police.Channels[0], r = "PENDING" });
        Assert.Equal("BAD_USER_INPUT", pending.ErrorCode());
        var foreign = await api.GraphQL.PostAsync(Record, new { s = shiftId, c = Guid.NewGuid(), r = "OK" });
        Assert.Equal("NOT_FOUND", foreign.ErrorCode());
    }

    [Fact]
    public async Task Services_list_by_territory_with_their_channels_and_units()
    {
        var seed = new Seed(api.GraphQL);
        var service = await seed.ServiceAsync(Seed.AlmatyCity, "AMBULANCE");
        var unit = await seed.UnitAsync(service.Id, Seed.InCity, "MEDICAL");

        var data = await api.GraphQL.QueryAsync("""
            query { dutyServices(territory: "750000000", kind: AMBULANCE, first: 200) { nodes { id code fieldsUnits channels { kind address } units { id profile } territory { kato } } } }
            """);

        var node = Assert.Single(data["dutyServices"]!["nodes"]!.AsArray(), n => n!["id"]!.GetValue<string>() == service.Id)!;
        Assert.True(node["fieldsUnits"]!.GetValue<bool>());
        Assert.Equal(2, node["channels"]!.AsArray().Count);
        Assert.Equal(unit, node["units"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("750000000", node["territory"]!["kato"]!.GetValue<string>());
    }
}
