using System.Security.Cryptography;
using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Alerts;

internal sealed class AlertMutations(NpgsqlDataSource db, Geo.SpatialArguments spatial, IOptions<AlertOptions> options)
{
    public const int MaxWebhookUrlLength = 2000;
    public const int MaxTargets = 50;
    internal static readonly Role[] Subscribers = [Role.DutyOfficer112, Role.PartnerOfficer];

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<CreatedAlertSubscriptionGraphType>>("createAlertSubscription")
            .Description("A standing alert subscription owned by the caller's duty service; the webhook secret is returned here only.")
            .Argument<NonNullGraphType<CreateAlertSubscriptionInputGraphType>>("input")
            .AllowRoles(Subscribers)
            .ResolveAsync(CreateAlertSubscriptionAsync);

        root.Field<NonNullGraphType<AlertSubscriptionGraphType>>("pauseAlertSubscription")
            .Description("Stops matching (alerts in the meantime are not recorded); delivery of what is already in the inbox goes on.")
            .Argument<NonNullGraphType<IdGraphType>>("subscription")
            .AllowRoles(Subscribers)
            .ResolveAsync(ctx => SetStatusAsync(ctx, AlertSubscriptionStatus.Paused, "ALERT_SUBSCRIPTION_PAUSED"));

        root.Field<NonNullGraphType<AlertSubscriptionGraphType>>("resumeAlertSubscription")
            .Description("Matches again from now on; a FAILING subscription's webhook is retried at once.")
            .Argument<NonNullGraphType<IdGraphType>>("subscription")
            .AllowRoles(Subscribers)
            .ResolveAsync(ctx => SetStatusAsync(ctx, AlertSubscriptionStatus.Active, "ALERT_SUBSCRIPTION_RESUMED"));

        root.Field<NonNullGraphType<IdGraphType>>("deleteAlertSubscription")
            .Description("Deletes the subscription and its inbox.")
            .Argument<NonNullGraphType<IdGraphType>>("subscription")
            .AllowRoles(Subscribers)
            .ResolveAsync(DeleteAlertSubscriptionAsync);

        root.Field<NonNullGraphType<AlertEntryGraphType>>("acknowledgeAlert")
            .Description("Records that the owner has taken note of an inbox entry; acknowledging again changes nothing.")
            .Argument<NonNullGraphType<IdGraphType>>("entry")
            .AllowRoles(Subscribers)
            .ResolveAsync(AcknowledgeAlertAsync);
    }

    private async Task<object?> CreateAlertSubscriptionAsync(IResolveFieldContext ctx)
    {
        var caller = ctx.Caller();
        var input = ctx.GetArgument<CreateAlertSubscriptionInput>("input");
        var name = TextInput.Required(input.Name, "input.name", TextLimits.ShortText);
        var zones = input.Zones is null ? [] : Ids.ParseList(input.Zones, "input.zones", MaxTargets);
        var requested = input.Area is { } a ? await spatial.GeometryAsync(a, input.Crs ?? Geo.GeoJson.Wgs84, "input.area", ctx.CancellationToken) : null;
        var territories = input.Territories is { Count: > 0 } t
            ? await AlertTargets.TerritoriesAsync(db, caller, t.Take(MaxTargets + 1).ToList() is { Count: <= MaxTargets } list ? list
                : throw new BadUserInputException($"at most {MaxTargets} territories", "input.territories"), "input.territories", ctx.CancellationToken)
            : [];
        ctx.AuditTerritory(territories.FirstOrDefault());
        if (requested is null && territories.Count == 0 && zones.Count == 0)
        {
            throw new BadUserInputException("give an area, territories or zones", "input");
        }

        var parts = new List<Geometry>();
        if (requested is not null)
        {
            parts.Add(requested);
        }

        if (zones.Count > 0)
        {
            parts.Add(await AlertTargets.ZonesAreaAsync(db, caller, zones, "input.zones", indexed: true, ctx.CancellationToken));
        }

        var webhook = WebhookUrl(input.WebhookUrl);
        var socket = input.DeliverSocket ?? true;
        if (!socket && webhook is null)
        {
            throw new BadUserInputException("a subscription that delivers neither to a socket nor to a webhook would only fill its inbox", "input.deliverSocket");
        }

        var secret = webhook is null ? null : Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var id = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            var (owner, ownerTerritory) = await OwnerAsync(w, caller, ctx.CancellationToken);
            ctx.AuditTerritory(ownerTerritory);
            var area = await UnionAsync(w, parts, territories, ctx.CancellationToken);
            var draft = new NewAlertSubscription(name, AlertKinds.EventKinds(input.Kinds?.Distinct()), input.MinSeverity ?? AlertSeverity.Unknown, requested,
                territories, zones, area, caller.Scope.SqlCodes, socket, webhook, secret);
            return await AlertSubscriptionDb.CreateAsync(w, owner, ownerTerritory, draft, ctx.CancellationToken);
        }, ctx.CancellationToken);
        return new CreatedAlertSubscription((await AlertSubscriptionDb.ByIdAsync(db, id, ctx.CancellationToken))!, secret);
    }

    /// <summary>
    /// The caller's duty service, which must be in the caller's territories, locked (KEY SHARE is enough: it must not
    /// vanish) so its subscription count holds until commit.
    /// </summary>
    private async Task<(Guid Id, string Territory)> OwnerAsync(UnitOfWork w, Caller caller, CancellationToken ct)
    {
        if (caller.ServiceId is not { } code)
        {
            throw new ForbiddenException("the token names no duty service to own the subscription");
        }

        await using var cmd = w.Command("""
            SELECT d.id, d.territory_kato, (SELECT count(*) FROM alert_subscriptions s WHERE s.owner_service_id = d.id)::int
            FROM duty_services d WHERE d.code = $1 FOR KEY SHARE OF d
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = code });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new ForbiddenException($"the token's duty service {code} does not exist");
        }

        var (id, territory, count) = (reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2));
        caller.RequireTerritory(territory, "input");
        if (count >= options.Value.MaxSubscriptionsPerService)
        {
            throw new ConflictException($"the service already has {count} alert subscriptions, the most allowed");
        }

        return (id, territory);
    }

    /// <summary>One area for the matcher: the drawn area, the zones' shapes and the territories' geometry, unioned in PostGIS.</summary>
    private static async Task<Geometry> UnionAsync(UnitOfWork w, List<Geometry> parts, List<string> territories, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            SELECT ST_UnaryUnion(ST_Collect(g)) FROM (
                SELECT unnest($1::geometry[]) AS g
                UNION ALL SELECT geom FROM territories WHERE kato = ANY ($2)
            ) parts
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = parts.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = territories.ToArray() });
        return (Geometry)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private string? WebhookUrl(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length > MaxWebhookUrlLength || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo)
            || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback && options.Value.AllowLoopbackHttpWebhooks)))
        {
            throw new BadUserInputException(options.Value.AllowLoopbackHttpWebhooks
                ? "webhookUrl must be an https URL (or http to a loopback address) without credentials"
                : "webhookUrl must be an https URL without credentials", "input.webhookUrl");
        }

        return uri.AbsoluteUri;
    }

    private async Task<object?> SetStatusAsync(IResolveFieldContext ctx, AlertSubscriptionStatus status, string kind)
    {
        var id = ctx.GetId("subscription");
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            var s = await LockOwnAsync(ctx, w, id);
            if (s.Status != status)
            {
                await AlertSubscriptionDb.SetStatusAsync(w, s, status, kind, ctx.CancellationToken);
            }
            else
            {
                // Nothing changes, but the call is still an act on the record.
                w.Add(new Events.NewEvent(kind, "AlertSubscription", s.Id.ToString(), new { subscriptionId = s.Id, unchanged = true }, null, s.TerritoryKato));
            }

            if (status == AlertSubscriptionStatus.Active)
            {
                await AlertWebhookDb.RetryNowAsync(w, s.Id, ctx.CancellationToken);
            }
        }, ctx.CancellationToken);
        return await AlertSubscriptionDb.ByIdAsync(db, id, ctx.CancellationToken);
    }

    private async Task<object?> DeleteAlertSubscriptionAsync(IResolveFieldContext ctx)
    {
        var id = ctx.GetId("subscription");
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w => await AlertSubscriptionDb.DeleteAsync(w, await LockOwnAsync(ctx, w, id), ctx.CancellationToken),
            ctx.CancellationToken);
        return id;
    }

    private async Task<object?> AcknowledgeAlertAsync(IResolveFieldContext ctx)
    {
        var id = ctx.GetId("entry");
        return await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            // Subscription before entry: the lock order the matcher (which locks neither) and deletion share.
            var subscription = await SubscriptionOfEntryAsync(w, id, ctx.CancellationToken) ?? throw new NotFoundException("no such alert", "entry");
            var s = await LockOwnAsync(ctx, w, subscription, "entry");
            var entry = await AlertSubscriptionDb.LockEntryAsync(w, id, ctx.CancellationToken) ?? throw new NotFoundException("no such alert", "entry");
            return entry.AcknowledgedAt is null ? await AlertSubscriptionDb.AcknowledgeAsync(w, entry, s, ctx.CancellationToken) : entry;
        }, ctx.CancellationToken);
    }

    private static async Task<Guid?> SubscriptionOfEntryAsync(UnitOfWork w, Guid entry, CancellationToken ct)
    {
        await using var cmd = w.Command("SELECT subscription_id FROM alert_inbox WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = entry });
        return await cmd.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>NOT_FOUND when absent; FORBIDDEN outside the caller's territories or, for a partner, when another service owns it.</summary>
    private static async Task<AlertSubscription> LockOwnAsync(IResolveFieldContext ctx, UnitOfWork w, Guid id, string argument = "subscription")
    {
        var s = await AlertSubscriptionDb.LockAsync(w, id, ctx.CancellationToken) ?? throw new NotFoundException("no such alert subscription", argument);
        ctx.AuditTerritory(s.TerritoryKato);
        AlertAccess.Require(ctx.Caller(), s, await AlertAccess.ServiceIdAsync(w.Connection, ctx.Caller(), ctx.CancellationToken), argument);
        return s;
    }
}
