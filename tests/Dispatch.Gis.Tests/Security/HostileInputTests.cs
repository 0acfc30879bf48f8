using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Security;

/// <summary>Issue 16, replayed: control characters, forged tokens, probing of the schema, absurd nesting.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class HostileInputTests(ApiFixture api)
{
    [Fact]
    public async Task A_nul_in_an_inline_argument_is_bad_user_input_naming_it_and_the_attempt_is_audited()
    {
        var marker = Guid.NewGuid().ToString("N");
        var response = await api.GraphQL.PostAsync($$"""mutation { declareRegime(territory: "750000000", regime: DAILY, basis: "{{marker}}\u0000x") { id } }""");

        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
        Assert.Equal("basis", response.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Equal("FAILED BAD_USER_INPUT", await api.ScalarAsync<string>(
            $"SELECT outcome || ' ' || error_code FROM audit_log WHERE operation = 'declareRegime' AND arguments ->> 'document' LIKE '%{marker}%'"));
    }

    [Theory]
    [InlineData(@"a\u0000b")]
    [InlineData(@"bell\u0007")]
    public async Task A_control_character_in_a_nested_variable_is_bad_user_input_naming_the_path(string escapedName)
    {
        // Sent as raw JSON, escapes and all: a client library would not even send a lone surrogate.
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            query = "mutation ($i: CreateZoneInput!) { createZone(input: $i) { id } }",
            variables = new { i = new { kind = "ACTUAL", name = "NAME_HERE", hazard = "FIRE", geometry = Seed.Square(76.9, 43.2, 0.01) } },
        }).Replace("NAME_HERE", escapedName, StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        using var raw = await api.GraphQL.Http.SendAsync(request);
        var response = System.Text.Json.Nodes.JsonNode.Parse(await raw.Content.ReadAsStringAsync())!;

        Assert.True(response["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>() == "BAD_USER_INPUT", response.ToJsonString());
        Assert.Equal("$i.name", response["errors"]![0]!["extensions"]!["argument"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_broken_surrogate_is_refused_in_a_document_literal_and_in_the_request_body()
    {
        var literal = await api.GraphQL.PostAsync("""{ territory(kato: "75\ud8000000000") { kato } }""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query": "{ __typename }", "variables": {"x": "a\ud800b"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var body = await api.GraphQL.Http.SendAsync(request);

        Assert.Equal("BAD_USER_INPUT", literal.ErrorCode());
        Assert.Equal("kato", literal.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Equal(400, (int)body.StatusCode);
        Assert.Contains("BAD_USER_INPUT", await body.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notes_may_hold_line_breaks_and_tabs()
    {
        var zone = await api.GraphQL.QueryAsync("mutation ($i: CreateZoneInput!) { createZone(input: $i) { id } }",
            new { i = new { kind = "ACTUAL", name = "line breaks", hazard = "FIRE", geometry = Seed.Square(80.9, 45.2, 0.01), note = "first line\n\tsecond line" } });

        Assert.NotNull(zone["createZone"]!["id"]);
    }

    [Fact]
    public async Task A_nul_in_a_query_argument_is_bad_user_input_not_a_database_error()
    {
        var response = await api.GraphQL.PostAsync("query ($k: String!) { territory(kato: $k) { kato } }", new { k = "75\u00000000000" });

        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
    }

    [Fact]
    public async Task A_mutation_with_a_forged_or_expired_token_is_401_and_audited_as_denied()
    {
        var expired = api.Tokens.Issue("expired-writer", Role.DutyOfficer112, ["*"], lifetime: TimeSpan.FromMinutes(-5));
        var forged = api.OfficerToken[..^4] + (api.OfficerToken.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        foreach (var token in new[] { expired, forged })
        {
            var marker = Guid.NewGuid().ToString("N");
            using var client = api.Client(token);

            var response = await client.PostAsync($$"""mutation { startShift(territory: "750000000") { id } } # {{marker}}""");

            Assert.Equal(401, response.Status);
            Assert.Equal("DENIED UNAUTHENTICATED", await api.ScalarAsync<string>(
                $"SELECT outcome || ' ' || error_code FROM audit_log WHERE operation = 'startShift' AND arguments ->> 'document' LIKE '%{marker}%'"));
        }
    }

    [Fact]
    public async Task Introspection_needs_a_token_outside_Development_but_typename_does_not()
    {
        using var anonymous = api.Client(null);

        var schema = await anonymous.PostAsync("{ __schema { queryType { name } } }");
        var type = await anonymous.PostAsync("""{ __type(name: "Unit") { name } }""");
        var typename = await anonymous.QueryAsync("{ __typename }");

        Assert.Equal("UNAUTHENTICATED", schema.ErrorCode());
        Assert.Equal(401, schema.Status);
        Assert.Equal("UNAUTHENTICATED", type.ErrorCode());
        Assert.Equal("Query", typename["__typename"]!.GetValue<string>());
        Assert.Equal("Query", (await api.GraphQL.QueryAsync("{ __schema { queryType { name } } }"))["__schema"]!["queryType"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Errors_outside_Development_suggest_no_fields_and_show_no_implementation_detail()
    {
        var response = await api.GraphQL.PostAsync("{ territorys { kato } }");
        var argument = await api.GraphQL.PostAsync("""{ territory(kat: "750000000") { kato } }""");

        Assert.Equal("GRAPHQL_VALIDATION_FAILED", response.ErrorCode());
        Assert.DoesNotContain("Did you mean", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(response.Errors![0]!["extensions"]!["detail"]);
        Assert.All(argument.Errors!, e => Assert.DoesNotContain("Did you mean", e!["message"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Contains(argument.Errors!, e => e!["message"]!.GetValue<string>().Contains("Unknown argument 'kat'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_argument_nested_thirty_thousand_deep_does_not_parse()
    {
        var deep = new string('[', 30_000) + "1" + new string(']', 30_000);

        var response = await api.GraphQL.PostAsync($"{{ territories(bbox: {deep}) {{ totalCount }} }}");

        Assert.Equal("GRAPHQL_PARSE_FAILED", response.ErrorCode());
    }

    [Fact]
    public async Task Every_text_input_documents_its_maximum_length()
    {
        var data = await api.GraphQL.QueryAsync("""
            { __schema { types { name kind
                fields { name args { name description type { ...Named } } }
                inputFields { name description type { ...Named } } } } }
            fragment Named on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
            """);
        var undocumented = new List<string>();
        var checkedInputs = 0;
        foreach (var type in data["__schema"]!["types"]!.AsArray())
        {
            var name = type!["name"]!.GetValue<string>();
            if (name.StartsWith("__", StringComparison.Ordinal))
            {
                continue;
            }

            var inputs = (type["inputFields"] as System.Text.Json.Nodes.JsonArray ?? []).Select(f => ($"{name}.{f!["name"]}", f))
                .Concat((type["fields"] as System.Text.Json.Nodes.JsonArray ?? []).SelectMany(f => f!["args"]!.AsArray().Select(a => ($"{name}.{f["name"]}.{a!["name"]}", a))));
            foreach (var (path, input) in inputs)
            {
                if (NamedType(input!["type"]!) != "String")
                {
                    continue;
                }

                checkedInputs++;
                if (input["description"]?.GetValue<string>() is not { } description
                    || !System.Text.RegularExpressions.Regex.IsMatch(description, @"At most \d+ characters\.$"))
                {
                    undocumented.Add(path);
                }
            }
        }

        Assert.Empty(undocumented);
        Assert.True(checkedInputs > 50, $"only {checkedInputs} text inputs found");
    }

    [Theory]
    [InlineData("mutation ($t: String!) { closeZone(zone: \"00000000-0000-0000-0000-000000000001\", note: $t) { id } }", "note", 2000)]
    [InlineData("query ($t: String!) { search(text: $t) { id } }", "text", 300)]
    [InlineData("mutation ($t: String!) { upsertDutyService(input: { code: \"X-LONG\", kind: POLICE, name: \"n\", territory: \"750000000\", phones: [\"102\", $t], callSigns: [], channels: [] }) { id } }", "phones", 300)]
    [InlineData("mutation ($t: String!) { createUnit(input: { service: \"00000000-0000-0000-0000-000000000001\", callSign: \"U\", profile: POLICE, personnel: 1, vehicles: [], base: { type: \"Point\", coordinates: [76.9, 43.2] }, baseName: $t }) { id } }", "baseName", 300)]
    public async Task Text_one_past_its_documented_length_is_bad_user_input_naming_it(string query, string input, int max)
    {
        var atLimit = await api.GraphQL.PostAsync(query, new { t = new string('a', max) });
        var past = await api.GraphQL.PostAsync(query, new { t = new string('a', max + 1) });

        // At the limit the request passes the door (and fails later, on the made-up ids, if at all).
        Assert.DoesNotContain($"at most {max} characters", atLimit.ToString(), StringComparison.Ordinal);
        Assert.Equal("BAD_USER_INPUT", past.ErrorCode());
        Assert.Contains(input, past.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"at most {max} characters", past.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static string NamedType(System.Text.Json.Nodes.JsonNode type) =>
        type["name"]?.GetValue<string>() is { } name ? name : NamedType(type["ofType"]!);
}
