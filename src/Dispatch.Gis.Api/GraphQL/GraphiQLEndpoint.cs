namespace Dispatch.Gis.GraphQL;

internal static class GraphiQLEndpoint
{
    public static IEndpointRouteBuilder MapDispatchGraphiQL(this IEndpointRouteBuilder app)
    {
        app.MapGet("/graphiql", () => Results.Text("GraphiQL is being wired", "text/plain"));
        return app;
    }
}
