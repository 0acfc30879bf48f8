namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// RD 52.04.253-90, "Methodology for forecasting the scale of contamination by hazardous chemicals at accidents",
/// as reproduced in SP 165.1325800.2014 Annex B (../shared/FEEDS-AND-MODELS.md §2, DOMAIN-NOTES §3.3):
/// Qэ1 = K1·K3·K5·K7′·Q0, T = h·d/(K2·K4·K7″), Qэ2 = (1−K1)·K2·K3·K4·K5·K6·K7″·Q0/(h·d), depths Г′ and Г″ from the
/// table, Г = max + 0.5·min, capped by Гп = N·v. Pure: same input, same forecast.
/// </summary>
internal sealed class ChemicalReleaseModel(SubstanceCatalog substances, RdTables tables)
{
    /// <summary>
    /// The RD forecasts on the assumption that the weather holds for 4 h, after which the forecast is to be redone
    /// (recalled, not retrieved): a horizon past that is refused, not extrapolated.
    /// </summary>
    public static readonly TimeSpan HorizonLimit = TimeSpan.FromHours(4);

    /// <summary>A bound on the mass of one release that catches unit mistakes (grams sent as kilograms): 100 000 t.</summary>
    public const double MaxReleasedMassKilograms = 1e8;

    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "data", "forecast");

    public static ChemicalReleaseModel Load(string directory) =>
        new(SubstanceCatalog.Load(Path.Combine(directory, "substances.json")), RdTables.Load(directory));

    public SubstanceCatalog Substances => substances;

    public ChemicalReleaseForecast Forecast(ChemicalReleaseInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var substance = substances.Find(input.Substance);
        var massKilograms = ModelInput.Positive(input.ReleasedMassKilograms, "releasedMassKilograms", MaxReleasedMassKilograms, "kg");
        var source = ModelInput.Location(input.Source, "source");
        var h = ModelInput.Positive(input.SpillLayerMetres, "spillLayerMetres", 20, "m");
        var horizons = ModelInput.Horizons(input.Horizons, HorizonLimit, "the RD assumes the weather holds for 4 h");
        var weather = WeatherInputs.Resolve(input.Weather, source);
        var assumptions = new List<string>(weather.Assumptions);
        var warnings = new List<ValidityWarning>();

        var u = weather.WindSpeedMetresPerSecond;
        if (u < tables.MinWindSpeedMetresPerSecond)
        {
            warnings.Add(new("WIND_BELOW_TABLE", $"wind {u:0.##} m/s is below the method's tables (1 m/s): depths, K4 and front speed are "
                + "taken as at 1 m/s, while a near-calm cloud spreads round the source and lingers longer than the method assumes"));
        }
        else if (u > tables.MaxWindSpeedMetresPerSecond)
        {
            warnings.Add(new("WIND_ABOVE_TABLE", $"wind {u:0.#} m/s is above the method's tables (15 m/s): values at 15 m/s are used"));
        }

        var q0 = massKilograms / 1000;
        var d = substance.DensityLiquidTonnesPerCubicMetre;
        var (k7Primary, k7Secondary) = K7(substance, weather.AirTemperatureCelsius, warnings);
        var k1 = input.CompressedGas ? 1 : substance.K1;
        if (input.CompressedGas)
        {
            assumptions.Add("compressed gas: K1 = 1, primary cloud only (RD 52.04.253-90)");
        }

        var k4 = tables.K4(u);
        var k5 = tables.K5(weather.Stability);
        var qe1 = k1 * substance.K3 * k5 * k7Primary * q0;
        var evaporates = !input.CompressedGas && k7Secondary > 0 && k1 < 1;
        double? evaporationHours = evaporates ? h * d / (substance.K2 * k4 * k7Secondary) : null;
        if (!input.CompressedGas && k7Secondary == 0)
        {
            warnings.Add(new("NO_EVAPORATION", $"at {weather.AirTemperatureCelsius:0.#} °C the method's K7 for the secondary cloud of "
                + $"{substance.Id} is 0: no secondary cloud is forecast, the spill stays a liquid hazard on the ground"));
        }

        var front = tables.FrontSpeedKilometresPerHour(u, weather.Stability);
        if (!front.Verified)
        {
            warnings.Add(new("UNVERIFIED_FRONT_SPEED",
                $"the front speed {front.Value:0.#} km/h at {u:0.#} m/s ({weather.Stability}) is from an unverified table entry"));
        }

        var angle = weather.WindFromDegrees is null ? 360 : ContaminationSector.AngleDegrees(u);
        var results = horizons.Select(n => Horizon(n, substance, q0, h, k1, k4, k5, k7Secondary, qe1, evaporationHours, front.Value, angle,
            weather, source)).ToList();
        return new ChemicalReleaseForecast(substance, massKilograms, weather, k4, k5, k7Primary, k7Secondary, qe1,
            evaporationHours is { } t ? TimeSpan.FromHours(t) : null, front.Value / 3.6, angle, results, assumptions, warnings,
            $"{substances.Version}/{tables.Version}");
    }

    private ChemicalHorizon Horizon(TimeSpan after, Substance substance, double q0, double h, double k1, double k4, double k5,
        double k7Secondary, double qe1, double? evaporationHours, double frontKilometresPerHour, double angle, Weather weather,
        NetTopologySuite.Geometries.Point source)
    {
        var warnings = new List<ValidityWarning>();
        var n = after.TotalHours;
        double k6 = 0, qe2 = 0;
        if (evaporationHours is { } t)
        {
            // K6 = N^0.8 while the spill evaporates, T^0.8 after; the RD takes K6 "for 1 h" when T < 1 h, read here as
            // K6 = 1 (the larger, and what the SP 165 example uses at T = 0.64 h).
            k6 = t < 1 ? 1 : Math.Pow(Math.Min(n, t), 0.8);
            qe2 = (1 - k1) * substance.K2 * substance.K3 * k4 * k5 * k6 * k7Secondary * q0
                / (h * substance.DensityLiquidTonnesPerCubicMetre);
            if (n > t)
            {
                warnings.Add(new("PAST_EVAPORATION", $"the spill has evaporated after {TimeSpan.FromHours(t):h\\:mm}; at {after:h\\:mm} "
                    + "the cloud is drifting away from an exhausted source and the zone is its reach, not a fresh plume"));
            }
        }

        var primary = tables.DepthKm(qe1, weather.WindSpeedMetresPerSecond);
        var secondary = tables.DepthKm(qe2, weather.WindSpeedMetresPerSecond);
        foreach (var (lookup, cloud, q) in new[] { (primary, "primary", qe1), (secondary, "secondary", qe2) })
        {
            if (!lookup.InsideTable)
            {
                warnings.Add(new("PAST_DEPTH_TABLE", $"Qэ of the {cloud} cloud ({q:0.###} t) is outside the depth table (0.01–2000 t): "
                    + "its depth is extrapolated"));
            }
            else if (!lookup.Verified)
            {
                warnings.Add(new("UNVERIFIED_DEPTH_ENTRY",
                    $"the {cloud}-cloud depth reads a depth-table entry not yet verified against the RD"));
            }
        }

        var tableKm = Math.Max(primary.Value, secondary.Value) + (0.5 * Math.Min(primary.Value, secondary.Value));
        var capKm = n * frontKilometresPerHour;
        var depthKm = Math.Min(tableKm, capKm);
        var depthMetres = depthKm * 1000;
        return new ChemicalHorizon(after, k6, qe2, primary.Value * 1000, secondary.Value * 1000, tableKm * 1000, capKm * 1000, depthMetres,
            ContaminationSector.AreaSquareMetres(depthMetres, angle),
            tables.K8(weather.Stability) * depthKm * depthKm * Math.Pow(n, 0.2) * 1e6,
            ContaminationSector.Polygon(source, weather.WindFromDegrees, angle, depthMetres), warnings);
    }

    /// <summary>
    /// K7 for the primary and secondary cloud. The RD tabulates it at −40, −20, 0, +20, +40 °C without saying how to read
    /// between; linear interpolation is this project's choice, the end values beyond.
    /// </summary>
    private static (double Primary, double Secondary) K7(Substance substance, double celsius, List<ValidityWarning> warnings)
    {
        var rows = substance.K7.OrderBy(r => r.TemperatureCelsius).ToArray();
        if (celsius < rows[0].TemperatureCelsius || celsius > rows[^1].TemperatureCelsius)
        {
            warnings.Add(new("TEMPERATURE_OUTSIDE_TABLE", $"{celsius:0.#} °C is outside the method's K7 table "
                + $"({rows[0].TemperatureCelsius}…+{rows[^1].TemperatureCelsius} °C): the end value is used"));
        }

        var t = Math.Clamp(celsius, rows[0].TemperatureCelsius, rows[^1].TemperatureCelsius);
        var k = Math.Max(1, Array.FindIndex(rows, r => r.TemperatureCelsius >= t));
        var share = (t - rows[k - 1].TemperatureCelsius) / (rows[k].TemperatureCelsius - rows[k - 1].TemperatureCelsius);
        return (rows[k - 1].Primary + (share * (rows[k].Primary - rows[k - 1].Primary)),
            rows[k - 1].Secondary + (share * (rows[k].Secondary - rows[k - 1].Secondary)));
    }
}
