using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>
/// Issue 15: generated hostile input against a real service — every mutation and every query with arguments, found by
/// introspecting the schema, called with values generated per input type (well-formed, of the wrong type, huge, absent),
/// GeoJSON of every type and shape with coordinates at and beyond every limit, CRS codes. No answer may be INTERNAL or
/// an HTTP 5xx, and afterwards no stored geometry may be invalid. Seeded: a failure prints the seed that replays it
/// (<c>DISPATCH_HOSTILE_SEED</c>); <c>DISPATCH_HOSTILE_CASES</c> sets how many cases run (default 10,000).
/// </summary>
[Trait("Category", "Database")]
public sealed class GeneratedHostileInputTests(ITestOutputHelper output)
{
    private sealed record Case(Schema.Operation Operation, string?[] Arguments, bool GeometryAsLiteral, int Caller)
    {
        public string Document(out string variables)
        {
            var definitions = new List<string>();
            var uses = new List<string>();
            var values = new List<string>();
            for (var i = 0; i < Arguments.Length; i++)
            {
                if (Arguments[i] is not { } value)
                {
                    continue;
                }

                var argument = Operation.Arguments[i];
                if (GeometryAsLiteral && Schema.Unwrap(argument.Type) == "Geometry" && value.StartsWith('{'))
                {
                    uses.Add($"{argument.Name}: {HostileInput.ToGraphQLLiteral(value)}");
                    continue;
                }

                definitions.Add($"$a{i}: {Schema.Spell(argument.Type)}");
                uses.Add($"{argument.Name}: $a{i}");
                values.Add($"\"a{i}\":{value}");
            }

            variables = "{" + string.Join(',', values) + "}";
            var head = definitions.Count == 0 ? Operation.Kind : $"{Operation.Kind}({string.Join(", ", definitions)})";
            var call = uses.Count == 0 ? Operation.Name : $"{Operation.Name}({string.Join(", ", uses)})";
            return $"{head} {{ {call} {Selection} }}";
        }

        public string Selection { get; init; } = "";

        public string Body()
        {
            var document = Document(out var variables);
            return $"{{\"query\":{JsonSerializer.Serialize(document)},\"variables\":{variables}}}";
        }

        public override string ToString()
        {
            var body = Body();
            return $"caller {Caller}: " + (body.Length > 3000 ? body[..3000] + $"… ({body.Length} chars)" : body);
        }
    }

    [Fact]
    public async Task Issue15_generated_hostile_input_to_every_mutation_and_spatial_query_is_never_INTERNAL_and_stores_no_invalid_geometry()
    {
        var cases = int.Parse(Environment.GetEnvironmentVariable("DISPATCH_HOSTILE_CASES") ?? "10000", CultureInfo.InvariantCulture);
        var seed = Environment.GetEnvironmentVariable("DISPATCH_HOSTILE_SEED");
        var databaseName = PostgisServer.NewDatabaseName("hostile");
        var database = await PostgisServer.CreateDatabaseAsync(databaseName);
        try
        {
            await RunAsync(database, cases, seed);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await PostgisServer.DropDatabaseAsync(databaseName);
        }
    }

    private async Task RunAsync(TestDatabase database, int cases, string? seed)
    {
        await using var app = await ApiFixture.StartAsync(database, new Dictionary<string, string?>
        {
            ["Dispatch:Scheduling:Enabled"] = "false",
            ["Dispatch:Monitoring:SendSituationUpdates"] = "false",
        });
        var tokens = app.Services.GetRequiredService<TokenIssuer>();
        var callers = new[]
        {
            tokens.Issue("hostile-officer", Role.DutyOfficer112, ["*"], "Hostile Officer"),
            tokens.Issue("hostile-admin", Role.Admin, ["*"], "Hostile Admin"),
            tokens.Issue("hostile-viewer", Role.Viewer, ["750000000"], "Hostile Viewer"),
            tokens.Issue("hostile-ingest", Role.Ingest, ["*"], "Hostile Ingest", sources: ["AVL", "KAZHYDROMET"]),
            tokens.Issue("hostile-partner", Role.PartnerOfficer, ["750000000"], "Hostile Partner", serviceId: "1"),
        };
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 })
        {
            BaseAddress = new Uri(app.Urls.First()),
            Timeout = TimeSpan.FromSeconds(60),
        };

        var schema = await IntrospectAsync(http, callers[0]);
        await using var owner = NpgsqlDataSource.Create(database.Owner);
        var ids = await KnownIdsAsync(owner);
        var operations = schema.mutations.Concat(schema.queries.Where(q => q.Arguments.Count > 0)).ToArray();
        var eventsBefore = await ScalarAsync(owner, "SELECT count(*) FROM events");

        var caseGen =
            from operation in Gen.OneOf(operations)
            from arguments in Arguments(operation, schema.schema, ids)
            from literal in Gen.Int[0, 9]
            from caller in Gen.Frequency((6, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2)), (1, Gen.Const(3)), (1, Gen.Const(4)))
            select new Case(operation, arguments, literal == 0, caller) { Selection = schema.schema.Selection(operation.Type) };

        var codes = new ConcurrentDictionary<string, int>();
        var statuses = new ConcurrentDictionary<int, int>();
        var succeeded = 0;
        var clock = Stopwatch.StartNew();
        await caseGen.SampleAsync(async c =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(c.Body(), Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", callers[c.Caller]);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/graphql-response+json"));
            using var response = await http.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status < 500, $"HTTP {status}: {Truncate(text)}");
            if (status == 413)
            {
                return;
            }

            var body = JsonNode.Parse(text)!.AsObject();
            var errors = body["errors"]?.AsArray() ?? [];
            foreach (var error in errors)
            {
                var code = error!["extensions"]?["code"]?.GetValue<string>() ?? "(none)";
                codes.AddOrUpdate(code, 1, (_, n) => n + 1);
                Assert.True(code is not ("INTERNAL" or "SERVICE_UNAVAILABLE" or "(none)"), $"{code}: {Truncate(error.ToJsonString())}");
            }

            if (errors.Count == 0)
            {
                Interlocked.Increment(ref succeeded);
            }
        }, writeLine: output.WriteLine, seed: seed, iter: cases, threads: 4, print: c => c.ToString());
        var elapsed = clock.Elapsed;

        var invalid = await InvalidGeometriesAsync(owner);
        var eventsAfter = await ScalarAsync(owner, "SELECT count(*) FROM events");
        output.WriteLine($"{cases} cases over {operations.Length} operations ({schema.mutations.Count} mutations) in {elapsed.TotalSeconds:F1} s; " +
            $"{succeeded} without errors, {eventsAfter - eventsBefore} events written; HTTP " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}")) + "; codes " +
            string.Join(", ", codes.OrderByDescending(c => c.Value).Select(c => $"{c.Key} × {c.Value}")));
        Assert.True(invalid.Count == 0, "invalid geometry stored: " + string.Join("; ", invalid));
        Assert.True(succeeded > 0, "no case got through validation: the generators only test the parser");
    }

    private static Gen<string?[]> Arguments(Schema.Operation operation, Schema schema, IReadOnlyList<string> ids)
    {
        var parts = operation.Arguments.Select(argument =>
        {
            var required = argument.Type["kind"]!.GetValue<string>() == "NON_NULL";
            var sane = HostileInput.For(argument.Type, schema, argument.Name, ids, hostile: false);
            var hostile = HostileInput.For(argument.Type, schema, argument.Name, ids, hostile: true);
            // Mostly one bad argument among well-formed ones, so the bad one reaches the resolver's own checks.
            var value = Gen.Frequency((2, sane), (1, hostile));
            return required ? value.Select(v => (string?)v) : Gen.Select(Gen.Bool, value, (present, v) => present ? v : null);
        }).ToArray();
        return parts.Aggregate(Gen.Const(System.Collections.Immutable.ImmutableList<string?>.Empty), (acc, g) => Gen.Select(acc, g, (list, v) => list.Add(v)))
            .Select(list => list.ToArray());
    }

    private static async Task<(Schema schema, IReadOnlyList<Schema.Operation> mutations, IReadOnlyList<Schema.Operation> queries)> IntrospectAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent(new { query = Schema.Introspection }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var root = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["__schema"]!;
        var schema = new Schema(root["types"]!);
        return (schema, schema.Operations("mutation", root["mutationType"]!["name"]!.GetValue<string>()),
            schema.Operations("query", root["queryType"]!["name"]!.GetValue<string>()));
    }

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    /// <summary>A few ids of every table that has an id column, so that generated calls also find what they name.</summary>
    private static async Task<IReadOnlyList<string>> KnownIdsAsync(NpgsqlDataSource owner)
    {
        var tables = new List<string>();
        await using (var cmd = owner.CreateCommand("""
            SELECT quote_ident(c.table_name) FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = 'public' AND c.column_name = 'id' ORDER BY 1
            """))
        await using (var rows = await cmd.ExecuteReaderAsync())
        {
            while (await rows.ReadAsync())
            {
                tables.Add(rows.GetString(0));
            }
        }

        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            // Table names come from the catalogue, quoted by the server; nothing here is caller input.
            await using var cmd = owner.CreateCommand($"SELECT id::text FROM {table} ORDER BY id LIMIT 3");
            await using var rows = await cmd.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                ids.Add(rows.GetString(0));
            }
        }

        return [.. ids];
    }

    /// <summary>Every stored geometry that PostGIS says is invalid, by table and column (partitions are counted with their parent).</summary>
    private static async Task<IReadOnlyList<string>> InvalidGeometriesAsync(NpgsqlDataSource owner)
    {
        var columns = new List<(string Table, string Column)>();
        await using (var cmd = owner.CreateCommand("""
            SELECT quote_ident(g.f_table_name), quote_ident(g.f_geometry_column) FROM geometry_columns g
            JOIN pg_class c ON c.relname = g.f_table_name AND c.relnamespace = 'public'::regnamespace
            WHERE g.f_table_schema = 'public' AND NOT c.relispartition AND c.relkind IN ('r', 'p') ORDER BY 1, 2
            """))
        await using (var rows = await cmd.ExecuteReaderAsync())
        {
            while (await rows.ReadAsync())
            {
                columns.Add((rows.GetString(0), rows.GetString(1)));
            }
        }

        Assert.NotEmpty(columns);
        var invalid = new List<string>();
        foreach (var (table, column) in columns)
        {
            var count = await ScalarAsync(owner, $"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND NOT ST_IsValid({column})");
            if (count > 0)
            {
                invalid.Add($"{table}.{column}: {count}");
            }
        }

        return invalid;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource owner, string sql)
    {
        await using var cmd = owner.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static string Truncate(string text) => text.Length > 1500 ? text[..1500] + "…" : text;
}
