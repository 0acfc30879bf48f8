using Dispatch.Gis.GraphQL;
using GraphQL.Types;

namespace Dispatch.Gis.Alerts;

internal sealed class AlertSeverityGraphType : EnumerationGraphType<AlertSeverity>
{
    public AlertSeverityGraphType()
    {
        Name = "AlertSeverity";
        Description = "CAP 1.2 severity.";
    }
}

internal sealed class AlertUrgencyGraphType : EnumerationGraphType<AlertUrgency>
{
    public AlertUrgencyGraphType()
    {
        Name = "AlertUrgency";
        Description = "CAP 1.2 urgency.";
    }
}

internal sealed class AlertCertaintyGraphType : EnumerationGraphType<AlertCertainty>
{
    public AlertCertaintyGraphType()
    {
        Name = "AlertCertainty";
        Description = "CAP 1.2 certainty.";
    }
}

internal sealed class AlertSubscriptionStatusGraphType : EnumerationGraphType<AlertSubscriptionStatus>
{
    public AlertSubscriptionStatusGraphType()
    {
        Name = "AlertSubscriptionStatus";
    }
}

internal sealed class AlertSubscriptionGraphType : ObjectGraphType<AlertSubscription>
{
    public AlertSubscriptionGraphType()
    {
        Name = "AlertSubscription";
        Description = "A standing alert subscription of a duty service: every matching alert goes to its inbox, and to its webhook when it has one.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("ownerService").Description("The duty service that owns it.").Resolve(ctx => ctx.Source.OwnerServiceId);
        Field(x => x.TerritoryKato).Description("The owner's territory.");
        Field(x => x.Name);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AlertKindGraphType>>>>("kinds").Resolve(ctx => ctx.Source.Kinds);
        Field<NonNullGraphType<AlertSeverityGraphType>>("minSeverity").Resolve(ctx => ctx.Source.MinSeverity);
        Field<Geo.GeometryGraphType>("area").Description("The area asked for, if any.").Resolve(ctx => ctx.Source.RequestedArea);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("territories").Resolve(ctx => ctx.Source.Territories);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("zones")
            .Description("Zones whose shape at creation is part of the area.").Resolve(ctx => ctx.Source.Zones);
        Field(x => x.DeliverSocket).Description("Alerts are also pushed to the standingAlerts subscription.");
        Field(x => x.WebhookUrl, nullable: true);
        Field<NonNullGraphType<AlertSubscriptionStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
        Field(x => x.WebhookError, nullable: true).Description("Why the last webhook delivery failed, while it is failing.");
        Field(x => x.CreatedBy);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
    }
}

internal sealed class AlertObjectGraphType : ObjectGraphType<AlertObject>
{
    public AlertObjectGraphType()
    {
        Name = "AlertObject";
        Description = "A thing an alert is about.";
        Field(x => x.Type).Description("Zone, Unit, Incident, Territory, SituationUpdate, ForceRequest…");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
    }
}

internal sealed class AlertEntryGraphType : ObjectGraphType<AlertEntry>
{
    public AlertEntryGraphType()
    {
        Name = "AlertEntry";
        Description = "One alert in a subscription's inbox.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("Also the webhook's idempotency key.").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("cursor").Description("Resume the inbox after this entry.").Resolve(ctx => AlertCursor.Of(ctx.Source));
        Field<NonNullGraphType<IdGraphType>>("subscription").Resolve(ctx => ctx.Source.SubscriptionId);
        Field<NonNullGraphType<IdGraphType>>("eventId").Description("The event the alert came from.")
            .Resolve(ctx => ctx.Source.EventId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field<NonNullGraphType<AlertKindGraphType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field<NonNullGraphType<AlertSeverityGraphType>>("severity").Resolve(ctx => ctx.Source.Severity);
        Field<NonNullGraphType<AlertUrgencyGraphType>>("urgency").Resolve(ctx => ctx.Source.Urgency);
        Field<NonNullGraphType<AlertCertaintyGraphType>>("certainty").Resolve(ctx => ctx.Source.Certainty);
        Field(x => x.Headline);
        Field<Geo.GeometryGraphType>("area").Description("Where; null when the event has no place of its own (then territoryKato says where).")
            .Resolve(ctx => ctx.Source.Area);
        Field(x => x.TerritoryKato, nullable: true);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AlertObjectGraphType>>>>("objects").Resolve(ctx => ctx.Source.Objects);
        Field<NonNullGraphType<DateTimeGraphType>>("recordedAt").Resolve(ctx => ctx.Source.RecordedAt);
        Field<DateTimeGraphType>("acknowledgedAt").Resolve(ctx => ctx.Source.AcknowledgedAt);
        Field(x => x.AcknowledgedBy, nullable: true);
        Field<DateTimeGraphType>("deliveredAt").Description("When its webhook accepted it.").Resolve(ctx => ctx.Source.DeliveredAt);
    }
}

internal sealed class AlertEntryConnectionGraphType() : ConnectionGraphType<AlertEntry, AlertEntryGraphType>("AlertEntry");

internal sealed record UnacknowledgedAlert(Guid Service, AlertEntry Entry) : Auth.ITerritorial
{
    public string? TerritoryKato => Entry.TerritoryKato;
}

internal sealed class UnacknowledgedAlertGraphType : ObjectGraphType<UnacknowledgedAlert>
{
    public UnacknowledgedAlertGraphType()
    {
        Name = "UnacknowledgedAlert";
        Field<NonNullGraphType<IdGraphType>>("service").Description("The partner that has not acknowledged it.").Resolve(ctx => ctx.Source.Service);
        Field<AlertEntryGraphType>("entry").Description("Null outside the caller's territories.").Resolve(ctx => ctx.Source.Entry);
    }
}

internal sealed record CreatedAlertSubscription(AlertSubscription Subscription, string? WebhookSecret);

internal sealed class CreatedAlertSubscriptionGraphType : ObjectGraphType<CreatedAlertSubscription>
{
    public CreatedAlertSubscriptionGraphType()
    {
        Name = "CreatedAlertSubscription";
        Field<AlertSubscriptionGraphType>("subscription").Description("Null only outside the caller's territories, which creation refuses.")
            .Resolve(ctx => ctx.Source.Subscription);
        Field(x => x.WebhookSecret, nullable: true)
            .Description("The HMAC-SHA256 key of the webhook's X-Dispatch-Signature header. Shown only here, once: store it.");
    }
}

internal static class AlertCursor
{
    public static string Of(AlertEntry entry) => Paging.EncodeCursor(entry.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static long Parse(Paging paging) => paging.After is null ? 0
        : long.TryParse(paging.After, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq) ? seq
        : throw new BadUserInputException("after is not a cursor this service issued", "after");
}
