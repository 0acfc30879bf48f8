using Dispatch.Gis.Geo;
using GraphQL.Types;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Alerts;

internal sealed record CreateAlertSubscriptionInput(string Name, Geometry? Area, int? Crs, List<string>? Territories, List<object?>? Zones,
    List<AlertKind>? Kinds, AlertSeverity? MinSeverity, bool? DeliverSocket, string? WebhookUrl);

internal sealed class CreateAlertSubscriptionInputGraphType : InputObjectGraphType<CreateAlertSubscriptionInput>
{
    public CreateAlertSubscriptionInputGraphType()
    {
        Name = "CreateAlertSubscriptionInput";
        Description = "Where (an area, territories and/or zones — at least one), what (kinds, minimum severity) and how (socket and/or webhook).";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<GeometryGraphType>("area");
        Field<IntGraphType>("crs").Description("EPSG code of area (default 4326).");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("territories").Description("KATO codes; a region includes its districts.");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("zones").Description("Emergency zones; their shape at creation joins the area.");
        Field<ListGraphType<NonNullGraphType<AlertKindGraphType>>>("kinds").Description("Every alert kind when absent.");
        Field<AlertSeverityGraphType>("minSeverity").Description("Alerts at least this severe (default: all).");
        Field<BooleanGraphType>("deliverSocket").Description("Push alerts to the standingAlerts subscription (default true).");
        Field<StringGraphType>("webhookUrl").Description("POST each alert here as JSON, signed (https; plain http to loopback only where configured).");
    }
}
