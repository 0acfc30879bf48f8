using Dispatch.Gis.Auth;
using Dispatch.Gis.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>
/// One real service on a real loopback port, over a fresh database that the service itself migrated and
/// filled with the reference data at start-up, exactly as on a user's machine.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string TestSigningKey = "dispatch-gis-test-signing-key-used-only-by-the-test-suite";
    private readonly string _databaseName = PostgisServer.NewDatabaseName("api");
    private WebApplication? _app;

    public TestDatabase Database { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public GraphQLClient GraphQL { get; private set; } = null!;
    public NpgsqlDataSource Db { get; private set; } = null!;
    internal IServiceProvider Services => _app!.Services;
    internal TokenIssuer Tokens { get; private set; } = null!;
    public string OfficerToken { get; private set; } = "";

    /// <summary>One value from SQL run as the owner: the independent truth tests compare the API with.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = Db.CreateCommand(sql);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A client of this server presenting the given token (none when null).</summary>
    public GraphQLClient Client(string? token)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return new GraphQLClient(http);
    }

    public async Task InitializeAsync()
    {
        Database = await PostgisServer.CreateDatabaseAsync(_databaseName);
        _app = await StartAsync(Database);
        BaseAddress = new Uri(_app.Urls.First());
        Tokens = _app.Services.GetRequiredService<TokenIssuer>();
        // Most tests act as a nationwide 112 duty officer; access tests make their own clients.
        OfficerToken = Tokens.Issue("test-officer", Role.DutyOfficer112, ["*"], "Test Officer");
        GraphQL = Client(OfficerToken);
        var builder = new NpgsqlDataSourceBuilder(Database.Owner);
        builder.UseNetTopologySuite();
        Db = builder.Build();
    }

    /// <summary>Starts the service as Program does, on a free port, against the given database.</summary>
    internal static Task<WebApplication> StartAsync(TestDatabase database, IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null) =>
        StartAsync(database.Service, database.Owner, settings, configure);

    internal static async Task<WebApplication> StartAsync(string connectionString, string? ownerConnectionString, IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var app = DispatchApp.Create(["--urls", "http://127.0.0.1:0", "--environment", "Testing"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Dispatch"] = connectionString,
                ["ConnectionStrings:DispatchOwner"] = ownerConnectionString,
                ["Dispatch:Auth:SigningKey"] = TestSigningKey,
                // Tests share one officer identity; only the rate-limit test asks for a small budget.
                ["Dispatch:Auth:MutationsPerMinute"] = "100000",
                // Quartz keeps schedulers in a process-wide registry by name: in-process instances would share one.
                // Clustering tests run a second instance as a process of its own, under the shared name.
                ["Dispatch:Scheduling:InstanceName"] = "dispatch-gis-test-" + Guid.NewGuid().ToString("N")[..8],
                ["Dispatch:Scheduling:CheckinInterval"] = "00:00:01",
                ["Serilog:MinimumLevel:Default"] = "Warning",
                // Webhook tests run their receiver on loopback and cannot wait minutes for a retry.
                ["Dispatch:Alerts:AllowLoopbackHttpWebhooks"] = "true",
                ["Dispatch:Alerts:WebhookInterval"] = "00:00:00.300",
                ["Dispatch:Alerts:WebhookBaseBackoff"] = "00:00:00.200",
                ["Dispatch:Alerts:WebhookMaxBackoff"] = "00:00:01",
                ["Dispatch:Alerts:WebhookMaxAttempts"] = "3",
                // Long enough that a test holding a POST in flight checks what goes on meanwhile before the POST gives up.
                ["Dispatch:Alerts:WebhookTimeout"] = "00:00:30",
                // Partners' HTTPS receivers in tests present certificates of the run's own authority.
                ["Dispatch:Http:OutboundTrustedRootsFile"] = TestCertificates.AuthorityPemPath,
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return app;
    }

    public async Task DisposeAsync()
    {
        GraphQL?.Dispose();
        Exception? invalidCap = null;
        if (Db is not null)
        {
            try
            {
                // Every CAP message any test of the collection produced, now that they have all run: a failure here fails the run.
                await PublicWarnings.CapAssert.AllStoredValidAsync(Db);
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException)
            {
                invalidCap = ex;
            }

            await Db.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await PostgisServer.DropDatabaseAsync(_databaseName);
        if (invalidCap is not null)
        {
            throw new InvalidOperationException("a CAP message stored during the run is not valid", invalidCap);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
