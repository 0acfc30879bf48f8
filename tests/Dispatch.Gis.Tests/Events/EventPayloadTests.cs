using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Events;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class EventPayloadTests(ApiFixture api)
{
    [Fact]
    public async Task Issue9_every_event_payload_key_is_camel_case()
    {
        var seed = new Seed(api.GraphQL);
        var incident = await seed.IncidentAsync(Seed.InCity, "FIRE", "payload keys");
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyCity);
        await seed.DeploymentAsync(incident, await seed.UnitAsync(service, Seed.InCity, "FIRE"));

        var received = await api.ScalarAsync<string>(
            $"SELECT string_agg(k, ',' ORDER BY k) FROM events, jsonb_object_keys(payload) k WHERE kind = 'INCIDENT_RECEIVED' AND entity_id = '{incident}'");
        var offending = await api.ScalarAsync<long>("SELECT count(*) FROM events e, jsonb_object_keys(e.payload) k WHERE k !~ '^[a-z][A-Za-z0-9]*$'");

        Assert.Contains("description", received.Split(','));
        Assert.Contains("preliminaryType", received.Split(','));
        Assert.Equal(0, offending);
    }
}
