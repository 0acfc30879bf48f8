using System.Text.Encodings.Web;
using Dispatch.Gis.Geo;
using Dispatch.Gis.DangerousObjects;
using Dispatch.Gis.Events;
using Dispatch.Gis.Deployments;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Services;
using Dispatch.Gis.Units;
using Dispatch.Gis.Zones;
using Dispatch.Gis.Regimes;
using Dispatch.Gis.Territories;
using Microsoft.Extensions.Options;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Utilities;

namespace Dispatch.Gis.GraphQL;

internal static class GraphQLSetup
{
    public static IServiceCollection AddDispatchGraphQL(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<PagingOptions>().BindConfiguration("Dispatch:Paging")
            .Validate(o => o.DefaultPageSize > 0 && o.MaxPageSize >= o.DefaultPageSize, "Dispatch:Paging needs 0 < DefaultPageSize ≤ MaxPageSize")
            .ValidateOnStart();
        services.AddOptions<GraphQLLimits>().BindConfiguration(GraphQLLimits.Section)
            .Validate(o => o.MaxDocumentLength > 0 && o.MaxDepth > 0 && o.MaxComplexity > 0 && o.MaxRequestBytes > 0 && o.MaxParallelResolvers > 0,
                "Dispatch:GraphQL limits must be positive")
            .ValidateOnStart();
        services.AddOptions<UnitOptions>().BindConfiguration(UnitOptions.Section)
            .Validate(o => o.MaxPositionsPerCall > 0 && o.StaleAfter > TimeSpan.Zero && o.TrackRetention >= o.MaxPositionAge && o.LiveInterval > TimeSpan.Zero
                && o.LiveLookback >= TimeSpan.Zero && o.MaxLivePositions > 0, "Dispatch:Units settings must be positive, and TrackRetention at least MaxPositionAge")
            .ValidateOnStart();
        var maxVertices = configuration.GetValue("Dispatch:Geometry:MaxVertices", GeometryRules.Default.MaxVertices);
        services.AddSingleton(new GeometryRules(maxVertices));
        services.AddSingleton<CrsTransformer>();
        services.AddSingleton<SpatialArguments>();
        services.AddSingleton<TerritoryLoaders>();
        services.AddSingleton<RegimeLoaders>();
        services.AddSingleton<ServiceLoaders>();
        services.AddSingleton<UnitLoaders>();
        services.AddSingleton<DangerousObjectLoaders>();
        services.AddSingleton<ZoneLoaders>();
        services.AddSingleton<IncidentLoaders>();
        services.AddSingleton<DeploymentLoaders>();
        services.AddSingleton<SituationLoaders>();
        services.AddSingleton(_ => ClassificationRules.Load(ClassificationRules.DefaultPath));
        services.AddOptions<IncidentOptions>().BindConfiguration(IncidentOptions.Section)
            .Validate(o => o.RoadFactor >= 1 && o.ObjectRadiusMeters > 0 && o.ArrivalRadiusMeters > 0, "Dispatch:Incidents settings are out of range")
            .ValidateOnStart();
        services.AddScoped<RequestLoaders>();
        services.AddScoped<OperationFlowControl>();
        services.AddSingleton<InternalErrors>();
        services.AddSingleton<Auth.RefusedMutations>();
        services.AddSingleton<GraphQLRequestExecutor>();
        services.AddSingleton<GraphQLHttpEndpoint>();
        services.AddSingleton<GraphQLWebSocketEndpoint>();
        services.AddSingleton<WebSocketSessions>();
        var limits = new GraphQLLimits();
        configuration.GetSection(GraphQLLimits.Section).Bind(limits);

        services.AddGraphQL(b => b
            .AddSchema<DispatchSchema>()
            .AddGraphTypes(typeof(DispatchSchema).Assembly)
            .AddSystemTextJson(json => json.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping) // names are Kazakh and Russian; the response is JSON, never HTML
            .AddErrorInfoProvider(new DispatchErrorInfoProvider(environment.IsDevelopment(), limits.FieldSuggestions))
            .AddComplexityAnalyzer(c =>
            {
                c.MaxDepth = limits.MaxDepth;
                c.MaxComplexity = limits.MaxComplexity;
            }));
        return services;
    }

    public static IEndpointRouteBuilder MapDispatchGraphQL(this IEndpointRouteBuilder app)
    {
        app.Map("/graphql", (HttpContext http, GraphQLHttpEndpoint httpEndpoint, GraphQLWebSocketEndpoint socketEndpoint, IOptions<GraphQLLimits> limits) =>
        {
            if (http.WebSockets.IsWebSocketRequest)
            {
                return socketEndpoint.HandleAsync(http);
            }

            RequestSizeLimit.Apply(http, limits.Value.MaxRequestBytes);
            return httpEndpoint.HandleAsync(http);
        });
        // The public contract as SDL, sorted so reviews see real changes only (codegen tools read it too).
        app.MapGet("/graphql/schema.graphql", (DispatchSchema schema) =>
            Results.Text(schema.Print(new PrintOptions { IncludeDescriptions = true, StringComparison = StringComparison.Ordinal }),
                "text/plain; charset=utf-8"));
        return app;
    }
}
