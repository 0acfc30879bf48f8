using System.Text.Encodings.Web;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.Execution;

namespace Dispatch.Gis.GraphQL;

internal static class GraphQLSetup
{
    public static IServiceCollection AddDispatchGraphQL(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddOptions<PagingOptions>().BindConfiguration("Dispatch:Paging")
            .Validate(o => o.DefaultPageSize > 0 && o.MaxPageSize >= o.DefaultPageSize, "Dispatch:Paging needs 0 < DefaultPageSize ≤ MaxPageSize")
            .ValidateOnStart();
        services.AddSingleton(GeometryRules.Default);
        services.AddSingleton<TerritoryLoaders>();
        services.AddScoped<RequestLoaders>();
        services.AddSingleton<GraphQLHttpEndpoint>();

        services.AddGraphQL(b => b
            .AddSchema<DispatchSchema>()
            .AddGraphTypes(typeof(DispatchSchema).Assembly)
            .AddSystemTextJson(json => json.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping) // names are Kazakh and Russian; the response is JSON, never HTML
            .AddErrorInfoProvider(new DispatchErrorInfoProvider(environment.IsDevelopment())));
        return services;
    }

    public static IEndpointRouteBuilder MapDispatchGraphQL(this IEndpointRouteBuilder app)
    {
        app.Map("/graphql", (HttpContext http, GraphQLHttpEndpoint endpoint) => endpoint.HandleAsync(http));
        return app;
    }
}
