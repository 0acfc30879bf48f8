using Dispatch.Gis.Geo;
using GraphQL.Types;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.PublicWarnings;

internal sealed record PublicWarningAreaInput(string? Zone, string? Territory, Geometry? Polygon, int? Crs);

internal sealed record PublicWarningTextInput(string Headline, string? Description, string? Instruction, string? AreaDesc);

internal sealed record PublicWarningInput(PublicWarningAreaInput Area, string Event, CapCategory Category, CapUrgency Urgency, CapSeverity Severity,
    CapCertainty Certainty, CapResponseType? ResponseType, PublicWarningTextInput? Kk, PublicWarningTextInput? Ru, PublicWarningTextInput? En,
    DateTime? Effective, DateTime Expires);

internal sealed class PublicWarningAreaInputGraphType : InputObjectGraphType<PublicWarningAreaInput>
{
    public PublicWarningAreaInputGraphType()
    {
        Name = "PublicWarningAreaInput";
        Description = "Exactly one of zone, territory, polygon.";
        Field<IdGraphType>("zone").Description("An emergency zone, at its current version; a later redraw drafts an update for the officer to confirm.");
        Field<StringGraphType>("territory").Description("A territory by KATO code.");
        Field<GeometryGraphType>("polygon").Description("A drawn Polygon or MultiPolygon.");
        Field<IntGraphType>("crs").Description("EPSG code of polygon (default 4326).");
    }
}

internal sealed class PublicWarningTextInputGraphType : InputObjectGraphType<PublicWarningTextInput>
{
    public PublicWarningTextInputGraphType()
    {
        Name = "PublicWarningTextInput";
        Description = "One language's text: one CAP <info>.";
        Field<NonNullGraphType<StringGraphType>>("headline");
        Field<StringGraphType>("description");
        Field<StringGraphType>("instruction").Description("What people should do.");
        Field<StringGraphType>("areaDesc").Description("The area's name in this language; by default the zone's or territory's name.");
    }
}

internal sealed class PublicWarningInputGraphType : InputObjectGraphType<PublicWarningInput>
{
    public PublicWarningInputGraphType()
    {
        Name = "PublicWarningInput";
        Description = "A public warning as CAP 1.2: what, how bad, where, when, and the text in Kazakh, Russian and/or English (at least one).";
        Field<NonNullGraphType<PublicWarningAreaInputGraphType>>("area");
        Field<NonNullGraphType<StringGraphType>>("event").Description("What the warning is about, e.g. \"Flood\".");
        Field<NonNullGraphType<CapCategoryGraphType>>("category");
        Field<NonNullGraphType<CapUrgencyGraphType>>("urgency");
        Field<NonNullGraphType<CapSeverityGraphType>>("severity");
        Field<NonNullGraphType<CapCertaintyGraphType>>("certainty");
        Field<CapResponseTypeGraphType>("responseType");
        Field<PublicWarningTextInputGraphType>("kk").Description("Kazakh text.");
        Field<PublicWarningTextInputGraphType>("ru").Description("Russian text.");
        Field<PublicWarningTextInputGraphType>("en").Description("English text.");
        Field<DateTimeGraphType>("effective").Description("Now when absent.");
        Field<NonNullGraphType<DateTimeGraphType>>("expires").Description("After effective and in the future.");
    }
}
