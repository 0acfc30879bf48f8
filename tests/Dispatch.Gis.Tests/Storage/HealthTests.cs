using System.Net;
using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Storage;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class HealthTests(ApiFixture api)
{
    [Fact]
    public async Task Live_and_ready_answer_200_with_PostGIS_and_no_pending_migrations()
    {
        using var live = await api.GraphQL.Http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        // The scheduler joins the cluster in the background after start-up; on a loaded machine that can still be
        // under way when this runs first, so readiness is waited for (and then must hold its facts).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage ready;
        while ((ready = await api.GraphQL.Http.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            ready.Dispose();
            await Task.Delay(200);
        }

        using var answer = ready;
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.StartsWith("3.", body["checks"]!["database"]!["data"]!["postgis"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(body["checks"]!["database"]!["data"]!["pendingMigrations"]!.AsArray());
    }

    [Fact]
    public async Task Ready_is_503_while_the_database_is_unreachable()
    {
        // Nothing listens on port 1; the service still starts (live) but must not claim to be ready.
        await using var app = await ApiFixture.StartAsync(
            "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2", null,
            new Dictionary<string, string?> { ["Dispatch:MigrateOnStart"] = "false", ["Dispatch:ImportReferenceDataOnStart"] = "false" });
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
        await app.StopAsync();
    }
}
