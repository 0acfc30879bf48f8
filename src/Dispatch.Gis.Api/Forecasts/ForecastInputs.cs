using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Geo;
using GraphQL.Types;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts;

internal sealed record RunForecastInput(
    ForecastModel Model,
    string? DangerousObject,
    Geometry? Location,
    string? Substance,
    double? ReleasedMassKilograms,
    List<int>? HorizonsMinutes,
    string? Incident,
    ForecastWeather? Weather,
    bool? CompressedGas,
    string? HydroPost = null,
    double? EmissionRateKilogramsPerSecond = null,
    double? ThresholdMilligramsPerCubicMetre = null,
    double? ReleaseHeightMetres = null,
    Terrain? Terrain = null,
    double? WaterLevelMetres = null);

internal sealed class RunForecastInputGraphType : InputObjectGraphType<RunForecastInput>
{
    public RunForecastInputGraphType()
    {
        Name = "RunForecastInput";
        Description = "What to forecast and where: exactly one of dangerousObject, location and hydroPost. An input the model does not read is refused.";
        Field<NonNullGraphType<ForecastModelGraphType>>("model").DefaultValue(ForecastModel.ChemicalRelease);
        Field<IdGraphType>("dangerousObject").Description("The source (CHEMICAL_RELEASE, GAUSSIAN_PLUME) or the HYDRAULIC object whose dam breaks (DAM_BREAK).");
        Field<GeometryGraphType>("location").Description("A WGS 84 Point, when not at a dangerous object (CHEMICAL_RELEASE, GAUSSIAN_PLUME).");
        Field<IdGraphType>("hydroPost").Description("FLOOD_BY_LEVEL: the HYDRO_POST whose inundation levels are drawn.");
        Field<StringGraphType>("substance")
            .Description("CHEMICAL_RELEASE (required), GAUSSIAN_PLUME (optional, for its cited limit): id, Russian or English name, alias or UN number (e.g. chlorine, 1017).");
        Field<FloatGraphType>("releasedMassKilograms")
            .Description("CHEMICAL_RELEASE. Left out at a dangerous object: its declared stock of the substance, read again at every computation (an edit of the stock recomputes).");
        Field<ListGraphType<NonNullGraphType<IntGraphType>>>("horizonsMinutes")
            .Description("Increasing, in minutes. CHEMICAL_RELEASE and GAUSSIAN_PLUME: at most 240, default 15, 30, 60; DAM_BREAK: at most 2880 (48 h), default 60, 180, 360, 720; FLOOD_BY_LEVEL takes none.");
        Field<FloatGraphType>("emissionRateKilogramsPerSecond").Description("GAUSSIAN_PLUME (required): the steady emission rate, kg/s.");
        Field<FloatGraphType>("thresholdMilligramsPerCubicMetre")
            .Description("GAUSSIAN_PLUME: the concentration whose exceedance is drawn, mg/m³; left out, the substance's cited AEGL-2 (60 min).");
        Field<FloatGraphType>("releaseHeightMetres").Description("GAUSSIAN_PLUME: the source's height above the ground, 0–300 m. Default 0.");
        Field<PlumeTerrainGraphType>("terrain").Description("GAUSSIAN_PLUME: the Briggs sigmas, RURAL or URBAN. Default RURAL.");
        Field<FloatGraphType>("waterLevelMetres")
            .Description("FLOOD_BY_LEVEL: the level to draw, metres above the post's zero; left out, the post's latest WATER_LEVEL reading (cm), read again at every computation.");
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

internal sealed class PlumeTerrainGraphType : EnumerationGraphType<Terrain>
{
    public PlumeTerrainGraphType()
    {
        Name = "PlumeTerrain";
        Description = "Which Briggs (1973) dispersion curves a Gaussian plume uses: open country or a built-up area.";
    }
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

/// <summary>Which inputs each model reads: any other given is refused rather than silently ignored (a substance for a dam is a mistake to say).</summary>
internal static class ForecastInputRules
{
    public static void RefuseForeign(RunForecastInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var m = input.Model;
        var chemical = m == ForecastModel.ChemicalRelease;
        var plume = m == ForecastModel.GaussianPlume;
        var dam = m == ForecastModel.DamBreak;
        var flood = m == ForecastModel.FloodByLevel;
        (string Name, bool Given, bool Read)[] inputs =
        [
            ("dangerousObject", input.DangerousObject is not null, !flood),
            ("location", input.Location is not null, chemical || plume),
            ("hydroPost", input.HydroPost is not null, flood),
            ("substance", input.Substance is not null, chemical || plume),
            ("releasedMassKilograms", input.ReleasedMassKilograms is not null, chemical),
            ("horizonsMinutes", input.HorizonsMinutes is not null, !flood),
            ("weather", input.Weather is not null, chemical || plume),
            ("compressedGas", input.CompressedGas is not null, chemical),
            ("emissionRateKilogramsPerSecond", input.EmissionRateKilogramsPerSecond is not null, plume),
            ("thresholdMilligramsPerCubicMetre", input.ThresholdMilligramsPerCubicMetre is not null, plume),
            ("releaseHeightMetres", input.ReleaseHeightMetres is not null, plume),
            ("terrain", input.Terrain is not null, plume),
            ("waterLevelMetres", input.WaterLevelMetres is not null, flood),
        ];
        foreach (var (name, given, read) in inputs)
        {
            if (given && !read)
            {
                throw new Dispatch.Gis.GraphQL.BadUserInputException($"{Storage.DbEnum.Text(m)} does not take {name}", "input." + name);
            }
        }
    }
}
