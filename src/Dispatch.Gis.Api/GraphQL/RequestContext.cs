using Dispatch.Gis.Auth;
using GraphQL;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// Per-request facts the transports know and resolvers need: who calls, from where, under which trace id.
/// It is GraphQL.NET's UserContext, so every resolver reaches it through its field context.
/// </summary>
internal sealed class RequestContext : Dictionary<string, object?>
{
    public required Caller Caller { get; init; }
    public string? ClientAddress { get; init; }
    public required string TraceId { get; init; }

    /// <summary>The request scope's <see cref="RequestLoaders"/>, resolved once (<see cref="RequestLoaders.Find"/>).</summary>
    public RequestLoaders? Loaders { get; init; }

    /// <summary>The audit entry of the mutation being resolved (mutations run one at a time).</summary>
    public AuditEntry? CurrentAudit { get; set; }

    public static RequestContext Of(IResolveFieldContext context) =>
        context.UserContext as RequestContext ?? throw new InvalidOperationException("request context missing");
}

internal static class RequestContextExtensions
{
    public static Caller Caller(this IResolveFieldContext context) => RequestContext.Of(context).Caller;

    /// <summary>
    /// What a mutation's unit of work acts for: the caller, the call's audit row (committed with the change), and the
    /// request's loaders, which forget what they read once the change is committed.
    /// </summary>
    public static Storage.WriteOrigin WriteOrigin(this IResolveFieldContext context) =>
        new(context.Caller().Name, RequestContext.Of(context).CurrentAudit,
            RequestLoaders.Find(context) is { } loaders ? loaders.Clear : null);

    /// <summary>Records the territory a mutation targets on its audit row (before any check can refuse it).</summary>
    public static void AuditTerritory(this IResolveFieldContext context, string? kato)
    {
        if ((context.UserContext as RequestContext)?.CurrentAudit is { } audit)
        {
            audit.TerritoryKato = kato;
        }
    }
}
