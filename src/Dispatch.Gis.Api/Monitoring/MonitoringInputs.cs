using Dispatch.Gis.Geo;
using Dispatch.Gis.Situation;
using GraphQL.Types;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Monitoring;

internal sealed record StationThresholdInput(string Parameter, SituationLevel Level, double Value, string? Label, DateOnly ValidFrom, string? Citation, bool Verified);

internal sealed record StationInput(string Code, string Name, string Operator, StationKind Kind, Geometry Location, int? Crs, IReadOnlyList<string> Parameters,
    string? DangerousObject, string? WaterBody, IReadOnlyList<StationThresholdInput>? Thresholds);

internal sealed record FeedInput(string Code, string Name, FeedFormat Format, string? Url, int? IntervalSeconds, int? TimeoutSeconds, int? SourceCrs,
    FeedMapping? Mapping, int SilenceSeconds, int? RetryAttempts, int? RetryBackoffSeconds, string? Territory, bool? Enabled);

internal sealed record ObservationInput(string Station, string Parameter, DateTime ObservedAt, double Value, string Unit);

internal sealed class StationThresholdInputGraphType : InputObjectGraphType<StationThresholdInput>
{
    public StationThresholdInputGraphType()
    {
        Name = "StationThresholdInput";
        Field<NonNullGraphType<StringGraphType>>("parameter");
        Field<NonNullGraphType<SituationLevelGraphType>>("level").Description("ELEVATED, HIGH or CRITICAL.");
        Field<NonNullGraphType<FloatGraphType>>("value").Description("In the parameter's unit: readings at or above it have the level.");
        Field<StringGraphType>("label").Description("e.g. опасный уровень (ОУ).");
        Field<NonNullGraphType<DateOnlyGraphType>>("validFrom").Description("From when the level holds (readings before it are judged by earlier rows).");
        Field<StringGraphType>("citation").Description("Where the value comes from; required when verified.");
        Field<NonNullGraphType<BooleanGraphType>>("verified");
    }
}

internal sealed class StationInputGraphType : InputObjectGraphType<StationInput>
{
    public StationInputGraphType()
    {
        Name = "StationInput";
        Field<NonNullGraphType<StringGraphType>>("code").Description("Upper-case letters, digits and _ . : -; the key feeds name the station by.");
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<NonNullGraphType<StringGraphType>>("operator");
        Field<NonNullGraphType<StationKindGraphType>>("kind");
        Field<NonNullGraphType<GeometryGraphType>>("location").Description("A Point.");
        Field<IntGraphType>("crs").Description("EPSG code of location (default 4326).");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("parameters").Description("Codes of monitoringParameters it measures.");
        Field<IdGraphType>("dangerousObject").Description("The object whose own sensor this is.");
        Field<StringGraphType>("waterBody");
        Field<ListGraphType<NonNullGraphType<StationThresholdInputGraphType>>>("thresholds")
            .Description("The station's own dated levels, replacing those entered before; absent keeps them. (thresholds.json levels for the code stay.)");
    }
}

internal sealed class FeedMappingInputGraphType : InputObjectGraphType<FeedMapping>
{
    public FeedMappingInputGraphType()
    {
        Name = "FeedMappingInput";
        Description = "CSV: column names (defaults station, time, parameter, value, unit). JSON: pointers relative to a record (defaults /station, /time…).";
        Field<StringGraphType>("records").Description("JSON: pointer to the array of records; the document itself when absent.");
        Field<StringGraphType>("station");
        Field<StringGraphType>("time");
        Field<StringGraphType>("parameter");
        Field<StringGraphType>("value");
        Field<StringGraphType>("unit");
        Field<StringGraphType>("fixedParameter").Description("The parameter of every row, for a feed of one quantity.");
        Field<StringGraphType>("fixedUnit");
        Field<StringGraphType>("delimiter").Description("CSV: , (default), ; or \\t. With ; a decimal comma is read too.");
        Field<StringGraphType>("timeZone").Description("Offset of times given without one: +05:00 (Kazakhstan), Z (default).");
    }
}

internal sealed class FeedInputGraphType : InputObjectGraphType<FeedInput>
{
    public FeedInputGraphType()
    {
        Name = "FeedInput";
        Field<NonNullGraphType<StringGraphType>>("code");
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<NonNullGraphType<FeedFormatGraphType>>("format");
        Field<StringGraphType>("url").Description("http(s); none for PUSH.");
        Field<IntGraphType>("intervalSeconds").Description("1 to 86400; none for PUSH.");
        Field<IntGraphType>("timeoutSeconds").Description("Default 15.");
        Field<IntGraphType>("sourceCrs").Description("EPSG code of the coordinates a GEOJSON_QUAKES feed carries (default 4326).");
        Field<FeedMappingInputGraphType>("mapping");
        Field<NonNullGraphType<IntGraphType>>("silenceSeconds").Description("Nothing new for longer than this is FEED_SILENT; at least the interval.");
        Field<IntGraphType>("retryAttempts").Description("Retries after a failed poll before the next interval (default 3).");
        Field<IntGraphType>("retryBackoffSeconds").Description("The first retry's delay, doubled for each further one (default 10).");
        Field<StringGraphType>("territory").Description("KATO code of the area the feed serves; none: the whole country.");
        Field<BooleanGraphType>("enabled").Description("Default true; false pauses its polls and its silence watch.");
    }
}

internal sealed class ObservationInputGraphType : InputObjectGraphType<ObservationInput>
{
    public ObservationInputGraphType()
    {
        Name = "ObservationInput";
        Field<NonNullGraphType<StringGraphType>>("station").Description("Station code.");
        Field<NonNullGraphType<StringGraphType>>("parameter");
        Field<NonNullGraphType<DateTimeGraphType>>("observedAt").Description("UTC unless an offset is given.");
        Field<NonNullGraphType<FloatGraphType>>("value");
        Field<NonNullGraphType<StringGraphType>>("unit");
    }
}
