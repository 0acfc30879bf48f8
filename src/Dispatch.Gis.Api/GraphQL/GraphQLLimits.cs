namespace Dispatch.Gis.GraphQL;

/// <summary>Bounds on what one request may cost (section "Dispatch:GraphQL").</summary>
internal sealed class GraphQLLimits
{
    public const string Section = "Dispatch:GraphQL";

    /// <summary>Characters in the query document.</summary>
    public int MaxDocumentLength { get; set; } = 100_000;

    /// <summary>Nesting depth of selections.</summary>
    public int MaxDepth { get; set; } = 15;

    /// <summary>GraphQL.NET complexity: each field costs 1, list children are multiplied by the page size asked for.</summary>
    public int MaxComplexity { get; set; } = 50_000;

    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>HTTP request body (Kestrel) and WebSocket message size.</summary>
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>graphql-transport-ws: time a client has to send connection_init before the socket closes with 4408.</summary>
    public TimeSpan ConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Fields of one request resolved at once, so one request holds at most this many pooled connections however many
    /// aliases it has: a single query cannot drain the pool for everyone else.
    /// </summary>
    public int MaxParallelResolvers { get; set; } = 4;

    /// <summary>Trips to the database one request may make: its root fields plus one per batch of each relation.</summary>
    public int MaxDatabaseRoundTrips { get; set; } = 200;

    /// <summary>Bytes of one response (HTTP body, or one WebSocket message); past it the response is an error.</summary>
    public int MaxResponseBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Who may introspect the schema (__schema, __type): Everyone, Authenticated callers, or no one (Off).</summary>
    public IntrospectionAccess Introspection { get; set; } = IntrospectionAccess.Authenticated;

    /// <summary>"Did you mean …?" in validation messages; they map the schema for whoever probes it.</summary>
    public bool FieldSuggestions { get; set; }

    /// <summary>
    /// graphql-transport-ws: how long one message may take to go out. A client that reads nothing for this long has
    /// its connection dropped (no close frame can reach it), which frees everything its subscriptions held.
    /// </summary>
    public TimeSpan WebSocketSendTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Operations (subscriptions included) one WebSocket may run at once.</summary>
    public int MaxOperationsPerConnection { get; set; } = 100;
}

internal enum IntrospectionAccess
{
    Everyone,
    Authenticated,
    Off,
}
