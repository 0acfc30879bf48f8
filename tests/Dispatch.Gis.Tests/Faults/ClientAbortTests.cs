using System.Net.Sockets;
using System.Text;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using Xunit;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>Issue 15: a client that hangs up in the middle of its request body is a client abort, not a 500 logged at Error.</summary>
[Trait("Category", "Database")]
public sealed class ClientAbortTests
{
    [Fact]
    public async Task Issue15_a_body_cut_short_is_logged_as_a_client_abort_not_as_an_error()
    {
        var name = PostgisServer.NewDatabaseName("abort");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        var sink = new LogSink();
        try
        {
            await using var app = await ApiFixture.StartAsync(database, new Dictionary<string, string?>
            {
                ["Dispatch:Scheduling:Enabled"] = "false",
                ["Serilog:MinimumLevel:Override:Dispatch.Gis.Http.FaultMiddleware"] = "Information",
                ["Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware"] = "Information",
            }, b => b.Services.AddSingleton<ILogEventSink>(sink));
            var uri = new Uri(app.Urls.First());

            using (var client = new TcpClient())
            {
                await client.ConnectAsync(uri.Host, uri.Port);
                var stream = client.GetStream();
                var head = $"POST /graphql HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "{\"query\":\"{ territory(kato: \\\"750000000\\\") { nameEn "));
                await stream.FlushAsync();
                await Task.Delay(300);
            }

            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!sink.Events.Any(e => e.MessageTemplate.Text.StartsWith("HTTP", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            var errors = sink.Events.Where(e => e.Level >= LogEventLevel.Warning).Select(LogSink.Describe).ToArray();
            Assert.True(errors.Length == 0, "logged:\n" + string.Join('\n', errors));
            Assert.Contains(sink.Events, e => e.Level == LogEventLevel.Information && e.MessageTemplate.Text.StartsWith("Client aborted", StringComparison.Ordinal));
            var request = Assert.Single(sink.Events, e => e.MessageTemplate.Text.StartsWith("HTTP", StringComparison.Ordinal));
            Assert.Equal("499", request.Properties["StatusCode"].ToString());
            await app.StopAsync();
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }
}
