using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Geo;
using GraphQL.Types;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts;

internal sealed record RunForecastInput(
    ForecastModel Model,
    string? DangerousObject,
    Geometry? Location,
    string Substance,
    double? ReleasedMassKilograms,
    List<int>? HorizonsMinutes,
    string? Incident,
    ForecastWeather? Weather,
    bool? CompressedGas);

internal sealed class RunForecastInputGraphType : InputObjectGraphType<RunForecastInput>
{
    public RunForecastInputGraphType()
    {
        Name = "RunForecastInput";
        Description = "A release to forecast: at a dangerous object (its location) or at an ad-hoc point; exactly one of the two.";
        Field<NonNullGraphType<ForecastModelGraphType>>("model").DefaultValue(ForecastModel.ChemicalRelease);
        Field<IdGraphType>("dangerousObject");
        Field<GeometryGraphType>("location").Description("A WGS 84 Point, when not at a dangerous object.");
        Field<NonNullGraphType<StringGraphType>>("substance").Description("Id, Russian or English name, alias or UN number (e.g. chlorine, 1017).");
        Field<FloatGraphType>("releasedMassKilograms")
            .Description("Left out at a dangerous object: its declared stock of the substance, read again at every computation (an edit of the stock recomputes).");
        Field<ListGraphType<NonNullGraphType<IntGraphType>>>("horizonsMinutes").Description("Increasing, at most 240 (the model's 4 h). Default 15, 30, 60.");
        Field<IdGraphType>("incident");
        Field<ForecastWeatherInputGraphType>("weather").Description("Left out: the nearest meteorological station's readings, else the method's planning values.");
        Field<BooleanGraphType>("compressedGas").Description("A store of compressed gas: primary cloud only. Default false.");
    }
}

internal sealed class ForecastWeatherInputGraphType : InputObjectGraphType<ForecastWeather>
{
    public ForecastWeatherInputGraphType()
    {
        Name = "ForecastWeatherInput";
        Field<FloatGraphType>("windSpeedMetresPerSecond").Description("0–40 m/s.");
        Field<FloatGraphType>("windFromDegrees").Description("Where the wind blows from, degrees clockwise from north, 0–360.");
        Field<FloatGraphType>("airTemperatureCelsius").Description("−60…+60 °C.");
        Field<AirStabilityGraphType>("stability");
        Field<IntGraphType>("cloudCoverOktas").Description("0–8 eighths of the sky.");
    }
}

internal sealed class ForecastModelGraphType : EnumerationGraphType<ForecastModel>
{
    public ForecastModelGraphType() => Name = "ForecastModel";
}

internal sealed class ForecastStateGraphType : EnumerationGraphType<ForecastState>
{
    public ForecastStateGraphType() => Name = "ForecastState";
}

internal sealed class AirStabilityGraphType : EnumerationGraphType<Stability>
{
    public AirStabilityGraphType()
    {
        Name = "AirStability";
        Description = "Vertical stability of the air as RD 52.04.253-90 grades it.";
    }
}
