using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Auth;

/// <summary>
/// Every mutation the schema has (read from introspection, so a new mutation without an entry here fails), called
/// by every role, in and out of territorial scope, and without a token: the exact outcome, and exactly one audit row.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class AccessMatrixTests(ApiFixture api)
{
    private const string InScope = "750000000";   // the caller's territory (Almaty city)
    private const string OutOfScope = "190000000"; // somewhere else (Almaty Region)

    /// <summary>A call of the mutation aimed at a territory, and the roles that may make it.</summary>
    private sealed record MutationCase(string Document, Func<string, object> Variables, Role[] Allowed);

    private static readonly Dictionary<string, MutationCase> Cases = new()
    {
        ["declareRegime"] = new(
            "mutation ($t: String!) { declareRegime(territory: $t, regime: HIGH_READINESS, basis: \"access matrix\") { id } }",
            territory => new { t = territory },
            [Role.DutyOfficer112]),
    };

    public static TheoryData<string, string?, string> Calls()
    {
        var data = new TheoryData<string, string?, string>();
        foreach (var mutation in Cases.Keys)
        {
            foreach (var role in Enum.GetValues<Role>())
            {
                data.Add(mutation, role.ToString(), InScope);
                data.Add(mutation, role.ToString(), OutOfScope);
            }

            data.Add(mutation, null, InScope);
        }

        return data;
    }

    [Fact]
    public async Task Every_mutation_in_the_schema_has_an_access_case()
    {
        var data = await api.GraphQL.QueryAsync("{ __schema { mutationType { fields { name } } } }");

        var mutations = data["__schema"]!["mutationType"]!["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(mutations, Cases.Keys.Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Each_call_gets_the_right_answer_and_one_audit_row(string mutation, string? roleName, string target)
    {
        var @case = Cases[mutation];
        Role? role = roleName is null ? null : Enum.Parse<Role>(roleName);
        var subject = $"matrix-{roleName ?? "anonymous"}-{Guid.NewGuid():N}";
        using var client = api.Client(role is { } r ? api.Tokens.Issue(subject, r, [InScope], serviceId: "svc-1") : null);
        var auditBefore = await CountAsync($"SELECT count(*) FROM audit_log WHERE operation = '{mutation}'");

        var response = await client.PostAsync(@case.Document, @case.Variables(target));

        string? expected = role switch
        {
            null => "UNAUTHENTICATED",
            { } given when !@case.Allowed.Contains(given) => "FORBIDDEN",
            _ when target == OutOfScope => "FORBIDDEN",
            _ => null,
        };
        if (expected is null)
        {
            Assert.Null(response.Errors);
        }
        else
        {
            Assert.Equal(expected, response.ErrorCode());
        }

        Assert.Equal(auditBefore + 1, await CountAsync($"SELECT count(*) FROM audit_log WHERE operation = '{mutation}'"));
        var row = await RowAsync($"SELECT outcome, error_code, role, subject, service_id, trace_id, client_address FROM audit_log WHERE operation = '{mutation}' ORDER BY id DESC LIMIT 1");
        Assert.Equal(expected is null ? "ALLOWED" : "DENIED", row[0]);
        Assert.Equal(expected, row[1]);
        Assert.Equal(role is { } rr ? Dispatch.Gis.Storage.DbEnum.Text(rr) : null, row[2]);
        Assert.Equal(role is null ? null : subject, row[3]);
        Assert.Equal(role is null ? null : "svc-1", row[4]);
        Assert.False(string.IsNullOrEmpty(row[5]));
        Assert.Equal("127.0.0.1", row[6]);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = api.Db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<string?[]> RowAsync(string sql)
    {
        await using var cmd = api.Db.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i).ToString()).ToArray();
    }
}
