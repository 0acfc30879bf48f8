using Dispatch.Gis.Auth;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Resolvers;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.GraphQL;

internal static class AccessRules
{
    private const string RolesKey = "dispatch.roles";

    /// <summary>Roles that may use this root field. A root field without this is refused to everyone.</summary>
    public static FieldBuilder<TSource, TReturn> AllowRoles<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, params Role[] roles)
    {
        field.FieldType.Metadata[RolesKey] = roles;
        return field;
    }

    public static Role[]? AllowedRoles(this FieldType field) =>
        field.Metadata.TryGetValue(RolesKey, out var roles) ? roles as Role[] : null;

    /// <summary>Everyone who reads map data; INGEST machine accounts only write.</summary>
    public static readonly Role[] Readers = [Role.DutyOfficer112, Role.PartnerOfficer, Role.Viewer, Role.Admin];
}

/// <summary>
/// Wraps every root field at schema build: the role check for queries and subscriptions; for mutations also the
/// rate limit and exactly one audit row per call, allowed or denied. Territory checks happen in the resolvers,
/// which know the target, and end up in the same audit row.
/// </summary>
internal static class RootFieldGuard
{
    public static void Apply(IComplexGraphType root, NpgsqlDataSource db, CallerQuotas quotas, ILogger logger, bool audited)
    {
        foreach (var field in root.Fields)
        {
            var roles = field.AllowedRoles();
            if (roles is null)
            {
                logger.LogError("Root field {Field} has no access rule; it is refused to every caller", field.Name);
            }

            if (field.StreamResolver is { } stream)
            {
                field.StreamResolver = new GuardedStream(stream, roles ?? [], field.Name);
            }
            else if (field.Resolver is { } resolver)
            {
                field.Resolver = new GuardedResolver(resolver, roles ?? [], field.Name, audited ? db : null, quotas, logger);
            }
        }
    }

    private sealed class GuardedResolver(IFieldResolver inner, Role[] roles, string operation, NpgsqlDataSource? auditDb,
        CallerQuotas quotas, ILogger logger) : IFieldResolver
    {
        public async ValueTask<object?> ResolveAsync(IResolveFieldContext context)
        {
            var request = RequestContext.Of(context);
            if (auditDb is null)
            {
                request.Caller.RequireRole(roles, operation);
                if (!operation.StartsWith("__", StringComparison.Ordinal))
                {
                    RequestLoaders.Of(context).SpendRoundTrip();
                }

                return await inner.ResolveAsync(context);
            }

            var audit = AuditLog.Start(request, operation, context.Arguments);
            request.CurrentAudit = audit;
            try
            {
                request.Caller.RequireRole(roles, operation);
                quotas.TakeMutation(request.Caller);
                var result = await inner.ResolveAsync(context);
                if (!audit.Written)
                {
                    // A mutation that wrote nothing through WriteTransaction is still recorded.
                    await AuditLog.WriteAsync(auditDb, audit, AuditOutcome.Allowed, null, CancellationToken.None);
                }

                return result;
            }
            catch (Exception ex) when (!audit.Written)
            {
                var code = DispatchErrorInfoProvider.CodeOf(ex);
                var outcome = code is ErrorCodes.Forbidden or ErrorCodes.Unauthenticated or ErrorCodes.RateLimited ? AuditOutcome.Denied : AuditOutcome.Failed;
                try
                {
                    await AuditLog.WriteAsync(auditDb, audit, outcome, code, CancellationToken.None);
                }
                catch (Exception auditFailure) when (code == ErrorCodes.ServiceUnavailable && Storage.DatabaseOutage.Is(auditFailure))
                {
                    // The audit row cannot be written without the database: the log line carries what it would have held.
                    logger.LogWarning("Mutation {Operation} by {Subject} refused while the database is unavailable; not audited (trace {TraceId}, " +
                        "from {Address}, arguments {Arguments})", operation, audit.Subject, audit.TraceId, audit.ClientAddress, audit.Arguments.ToJsonString());
                }
                catch (Exception auditFailure) when (auditFailure is NpgsqlException or TimeoutException)
                {
                    logger.LogCritical(auditFailure, "Audit row for {Operation} by {Subject} ({Outcome} {Code}) could not be written",
                        operation, audit.Subject, outcome, code);
                }

                throw;
            }
            finally
            {
                request.CurrentAudit = null;
            }
        }
    }

    private sealed class GuardedStream(ISourceStreamResolver inner, Role[] roles, string operation) : ISourceStreamResolver
    {
        public ValueTask<IObservable<object?>> ResolveAsync(IResolveFieldContext context)
        {
            context.Caller().RequireRole(roles, operation);
            return inner.ResolveAsync(context);
        }
    }
}
