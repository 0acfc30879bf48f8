using Dispatch.Gis.Geo;
using GraphQL.Types;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Incidents;

internal sealed record ReportIncidentInput(DateTime? ReceivedAt, IncidentChannel Channel, string? CallerName, string? CallerPhone, Geometry Location, int? Crs,
    string? Address, string Description, string? PreliminaryType, int? Urgency);

internal sealed class ReportIncidentInputGraphType : InputObjectGraphType<ReportIncidentInput>
{
    public ReportIncidentInputGraphType()
    {
        Name = "ReportIncidentInput";
        Field<DateTimeGraphType>("receivedAt").Description("When 112 (or the partner) received it; now when absent.");
        Field<NonNullGraphType<IncidentChannelGraphType>>("channel");
        Field<StringGraphType>("callerName");
        Field<StringGraphType>("callerPhone");
        Field<NonNullGraphType<GeometryGraphType>>("location").Description("Point (with an address, when the caller gave one).");
        Field<IntGraphType>("crs");
        Field<StringGraphType>("address");
        Field<NonNullGraphType<StringGraphType>>("description");
        Field<StringGraphType>("preliminaryType").Description("A type of the rule table, e.g. CHEMICAL_RELEASE.");
        Field<IntGraphType>("urgency").Description("1 (most urgent) to 4.");
    }
}
