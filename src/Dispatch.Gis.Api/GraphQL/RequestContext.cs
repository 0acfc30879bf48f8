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

    /// <summary>The audit entry of the mutation being resolved (mutations run one at a time).</summary>
    public AuditEntry? CurrentAudit { get; set; }

    public static RequestContext Of(IResolveFieldContext context) =>
        context.UserContext as RequestContext ?? throw new InvalidOperationException("request context missing");
}

internal static class RequestContextExtensions
{
    public static Caller Caller(this IResolveFieldContext context) => RequestContext.Of(context).Caller;

    /// <summary>Records the territory a mutation targets on its audit row (before any check can refuse it).</summary>
    public static void AuditTerritory(this IResolveFieldContext context, string? kato)
    {
        if ((context.UserContext as RequestContext)?.CurrentAudit is { } audit)
        {
            audit.TerritoryKato = kato;
        }
    }
}
