using System.Collections.Concurrent;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using Xunit;

namespace Dispatch.Gis.Tests.GraphQL;

/// <summary>
/// Issue 9: an INTERNAL error reaches the service log at Error with the exception, operation, path and trace id,
/// and the caller gets that trace id in extensions.traceId. Provoked by taking a right away from the service's
/// role in a database of the test's own — no caller input may produce INTERNAL, so the fault has to come from inside.
/// </summary>
[Trait("Category", "Database")]
public sealed class InternalErrorTests
{
    private sealed class CollectingSink : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
    }

    [Fact]
    public async Task Issue9_an_internal_error_is_logged_with_the_trace_id_the_caller_sees()
    {
        var name = PostgisServer.NewDatabaseName("internal");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        var sink = new CollectingSink();
        try
        {
            await using var app = await ApiFixture.StartAsync(database, configure: b => b.Services.AddSingleton<ILogEventSink>(sink));
            await using (var owner = Npgsql.NpgsqlDataSource.Create(database.Owner))
            await using (var revoke = owner.CreateCommand("REVOKE SELECT ON settlements FROM dispatch_app"))
            {
                await revoke.ExecuteNonQueryAsync();
            }

            var tokens = app.Services.GetRequiredService<Dispatch.Gis.Auth.TokenIssuer>();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            using var client = new GraphQLClient(http);
            http.DefaultRequestHeaders.Authorization = new("Bearer", tokens.Issue("internal", Dispatch.Gis.Auth.Role.Viewer, ["*"]));

            var response = await client.PostAsync("query Settlements { settlements(first: 3) { totalCount } }");

            Assert.Equal("INTERNAL", response.ErrorCode());
            var traceId = response.Errors![0]!["extensions"]!["traceId"]!.GetValue<string>();
            var logged = Assert.Single(sink.Events, e => e.Level == LogEventLevel.Error && e.Properties.TryGetValue("TraceId", out var t)
                && t.ToString().Trim('"') == traceId);
            Assert.NotNull(logged.Exception);
            Assert.Contains("Settlements", logged.Properties["Operation"].ToString(), StringComparison.Ordinal);
            Assert.Contains("settlements", logged.Properties["Path"].ToString(), StringComparison.Ordinal);
            await app.StopAsync();
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }
}
