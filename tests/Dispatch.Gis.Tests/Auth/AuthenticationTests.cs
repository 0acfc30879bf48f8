using System.Net;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Dispatch.Gis.Tests.Auth;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class AuthenticationTests(ApiFixture api)
{
    [Fact]
    public async Task Without_a_token_data_is_unauthenticated_but_the_schema_is_public()
    {
        using var anonymous = api.Client(null);

        var data = await anonymous.PostAsync("{ territories { totalCount } }");
        Assert.Equal("UNAUTHENTICATED", data.ErrorCode());
        Assert.Equal(401, data.Status);
        Assert.Equal("Query", (await anonymous.QueryAsync("{ __typename }"))["__typename"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_forged_or_expired_token_over_HTTP_is_401()
    {
        var expired = api.Tokens.Issue("expired", Role.Viewer, ["*"], lifetime: TimeSpan.FromMinutes(-5));
        var forged = api.OfficerToken[..^4] + (api.OfficerToken.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        foreach (var token in new[] { expired, forged, "not-a-jwt" })
        {
            using var client = api.Client(token);
            var response = await client.PostAsync("{ __typename }");
            Assert.Equal(401, response.Status);
            Assert.Equal("UNAUTHENTICATED", response.ErrorCode());
        }
    }

    [Fact]
    public async Task Ingest_accounts_cannot_read_map_data()
    {
        using var ingest = api.Client(api.Tokens.Issue("feeder", Role.Ingest, ["*"], sources: ["kazhydromet"]));

        Assert.Equal("FORBIDDEN", (await ingest.PostAsync("{ territories { totalCount } }")).ErrorCode());
    }

    [Fact]
    public async Task Anonymous_reading_can_be_switched_on_and_still_never_mutates()
    {
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:Auth:AllowAnonymousRead"] = "true" });
        using var anonymous = new GraphQLClient(new HttpClient { BaseAddress = new Uri(app.Urls.First()) });

        var read = await anonymous.QueryAsync("{ territories(level: REGION) { totalCount } }");
        var write = await anonymous.PostAsync("mutation { declareRegime(territory: \"750000000\", regime: DAILY, basis: \"x\") { id } }");
        var beyondReading = await anonymous.PostAsync("{ auditLog { totalCount } }");
        using var raw = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var rawWrite = await raw.PostAsync("/graphql", System.Net.Http.Json.JsonContent.Create(new { query = "mutation { startShift(territory: \"750000000\") { id } }" }));

        // Issue 9: "log in" (UNAUTHENTICATED, 401, WWW-Authenticate: Bearer), not "you may not" (FORBIDDEN).
        Assert.Equal(20, read["territories"]!["totalCount"]!.GetValue<long>());
        Assert.Equal("UNAUTHENTICATED", write.ErrorCode());
        Assert.Equal(401, write.Status);
        Assert.Equal("UNAUTHENTICATED", beyondReading.ErrorCode());
        Assert.Equal("Bearer", rawWrite.Headers.WwwAuthenticate.Single().Scheme);
        await app.StopAsync();
    }

    [Fact]
    public async Task The_published_development_key_is_refused_outside_Development()
    {
        var start = () => ApiFixture.StartAsync(api.Database, new Dictionary<string, string?>
        {
            ["Dispatch:Auth:SigningKey"] = AuthOptions.DevelopmentSigningKey,
            ["Dispatch:MigrateOnStart"] = "false",
        });

        var error = await Assert.ThrowsAnyAsync<Exception>(start);
        Assert.Contains("development key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_command_prints_a_token_the_service_accepts()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            var exit = await TokenCommand.RunAsync(["--role", "VIEWER", "--territories", "750000000", "--name", "Map screen",
                "--environment", "Testing", $"--Dispatch:Auth:SigningKey={ApiFixture.TestSigningKey}",
                $"--ConnectionStrings:Dispatch={api.Database.Service}"]);
            Assert.Equal(0, exit);
        }
        finally
        {
            Console.SetOut(original);
        }

        var validated = await api.Services.GetRequiredService<TokenValidator>().ValidateAsync(output.ToString().Trim(), CancellationToken.None);
        var caller = Caller.From(validated!.Value.Principal, publicRead: false);
        Assert.Equal(Role.Viewer, caller.Role);
        Assert.Equal("Map screen", caller.Name);
        Assert.True(caller.Scope.Covers("751110000"));
        Assert.False(caller.Scope.Covers("190000000"));
    }

    [Fact]
    public async Task A_WebSocket_without_a_valid_token_is_closed_with_4403()
    {
        var expired = api.Tokens.Issue("expired", Role.Viewer, ["*"], lifetime: TimeSpan.FromMinutes(-5));
        foreach (var payload in new object[] { new { }, new { authorization = "Bearer " + expired }, new { token = "garbage" } })
        {
            await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
            await ws.InitAsync(payload);
            Assert.Equal(4403, await ws.ReceiveCloseAsync());
        }
    }

    [Fact]
    public async Task A_WebSocket_is_closed_with_4403_when_its_token_expires()
    {
        // 2 s of life: valid at connection_init, gone soon after.
        var shortLived = api.Tokens.Issue("brief", Role.Viewer, ["*"], lifetime: TimeSpan.FromSeconds(2));
        await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
        await ws.InitAsync(shortLived);
        Assert.Equal("connection_ack", (await ws.ReceiveAsync())!["type"]!.GetValue<string>());

        Assert.Equal(4403, await ws.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("expired", ws.CloseDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mutations_past_the_rate_limit_are_refused_and_audited()
    {
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:Auth:MutationsPerMinute"] = "3" });
        using var client = new GraphQLClient(new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
        var subject = $"hasty-{Guid.NewGuid():N}";
        client.Http.DefaultRequestHeaders.Authorization = new("Bearer", api.Tokens.Issue(subject, Role.DutyOfficer112, ["*"]));

        var codes = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            var response = await client.PostAsync("mutation { declareRegime(territory: \"790000000\", regime: DAILY, basis: \"rate\") { id } }");
            codes.Add(response.Errors is null ? null : response.ErrorCode());
        }

        Assert.Equal([null, null, null, "RATE_LIMITED"], codes);
        await using var cmd = api.Db.CreateCommand($"SELECT outcome || ':' || coalesce(error_code, '') FROM audit_log WHERE subject = '{subject}' ORDER BY id");
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        Assert.Equal(["ALLOWED:", "ALLOWED:", "ALLOWED:", "DENIED:RATE_LIMITED"], rows);
        await app.StopAsync();
    }

    [Fact]
    public async Task Subscriptions_past_the_per_identity_limit_are_refused()
    {
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:Auth:MaxSubscriptionsPerIdentity"] = "2" });
        await using var ws = await RawWebSocket.ConnectAsync(new Uri(app.Urls.First()));
        await ws.InitAsync(api.Tokens.Issue($"many-{Guid.NewGuid():N}", Role.Viewer, ["*"]));
        await ws.ReceiveTypeAsync("connection_ack");

        foreach (var id in new[] { "a", "b", "c" })
        {
            await ws.SendAsync(new { id, type = "subscribe", payload = new { query = "subscription { events { id } }" } });
        }

        var error = await ws.ReceiveTypeAsync("error");
        Assert.Equal("c", error["id"]!.GetValue<string>());
        Assert.Equal("RATE_LIMITED", error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
        await app.StopAsync();
    }
}
