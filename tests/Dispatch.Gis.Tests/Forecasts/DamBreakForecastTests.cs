using System.Text.Json.Nodes;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Tests.Infrastructure;
using NetTopologySuite.Geometries;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>
/// DAM_BREAK end to end: a HYDRAULIC object's valley line and dam figures set through GraphQL, the forecast computed by
/// the scheduler's job into FLOOD zones per horizon, checked against the model run here on the same inputs; an edit of
/// the dam recomputes it; bad input stores nothing; a model that throws leaves the forecast FAILED with the last zones.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class DamBreakForecastTests(ApiFixture api)
{
    private const string SetDam = """
        mutation ($o: ID!, $l: Geometry!, $d: DamParametersInput!) { setDamBreakParameters(dangerousObject: $o, valleyLine: $l, dam: $d) { dangerousObjectId valleyLengthMeters dam } }
        """;

    private static readonly Lazy<BreachWaveTable> Table = new(() => BreachWaveTable.Load(BreachWaveTable.DefaultPath));

    private static readonly object Dam = new
    {
        upstreamDepthMetres = 40.0, relativeBreachWidth = 0.5, bedSlope = 1e-3, valleyCrossSlope = 0.005, reservoirVolumeCubicMetres = 5e8, waterDepthMetres = 35.0,
        breachHeightMetres = 38.0, breachMode = "PIPING", basis = "test dam",
    };

    [Fact]
    public async Task A_dam_break_is_one_flood_zone_per_horizon_as_the_model_gives_an_edit_recomputes_and_a_throwing_model_leaves_the_last_zones()
    {
        double[] at = [Seed.InCity[0] + 0.3, Seed.InCity[1] + 0.25];
        var dam = await new Seed(api.GraphQL).DangerousObjectAsync(at, "HYDRAULIC");
        var valley = Valley(at);

        // Without a valley line there is nothing to forecast: refused, nothing stored.
        await ForecastPolling.RefusedAsync(api, new { model = "DAM_BREAK", dangerousObject = dam }, "input.dangerousObject");

        var set = (await api.GraphQL.QueryAsync(SetDam, new { o = dam, l = Line(valley), d = Dam }))["setDamBreakParameters"]!;
        Assert.Equal(80_000.0, set["valleyLengthMeters"]!.GetValue<double>(), 400.0);
        var incident = await new Seed(api.GraphQL).IncidentAsync(at, "FLOOD", "dam seepage");
        var id = await ForecastPolling.RunAsync(api, new { model = "DAM_BREAK", dangerousObject = dam, incident });
        var forecast = await ForecastPolling.SucceededAsync(api, id);

        var expected = new DamBreakModel(Table.Value).Forecast(new DamBreakInput(valley, 40, 0.5, 1e-3, 0.005, null, new BreachInput(5e8, 35, 38, BreachMode.Piping)));
        var horizons = forecast["horizons"]!.AsArray();
        Assert.Equal([60, 180, 360, 720], horizons.Select(h => h!["minutes"]!.GetValue<int>()));
        for (var k = 0; k < 4; k++)
        {
            var h = horizons[k]!;
            Assert.Equal("FORECAST", h["zone"]!["kind"]!.GetValue<string>());
            Assert.Equal("FLOOD", h["zone"]!["hazard"]!.GetValue<string>());
            Assert.Equal(incident, h["zone"]!["incidentId"]!.GetValue<string>());
            Assert.Null(h["depthMeters"]);
            Assert.Equal(expected.Horizons[k].FrontDistanceMetres, h["figures"]!["frontDistanceMeters"]!.GetValue<double>(), 1.0);
            Assert.Equal(expected.Horizons[k].Front.HeightMetres, h["figures"]!["waveHeightMeters"]!.GetValue<double>(), 2);
            var area = GeodesicArea.SquareMetres(expected.Horizons[k].FloodedStrip) / 1e6;
            Assert.Equal(area, h["zone"]!["areaKm2"]!.GetValue<double>(), area * 0.02);
        }

        // The wave runs on: each horizon's strip reaches farther down the valley than the one before.
        Assert.True(horizons.Select(h => h!["figures"]!["frontDistanceMeters"]!.GetValue<double>()).Zip(horizons.Skip(1).Select(h => h!["figures"]!["frontDistanceMeters"]!.GetValue<double>()))
            .All(p => p.First < p.Second));
        var peak = forecast["figures"]!["peakOutflow"]!;
        Assert.Equal(Math.Round(expected.PeakOutflow!.MinCubicMetresPerSecond), peak["minCubicMetresPerSecond"]!.GetValue<double>());
        Assert.Equal(Math.Round(expected.PeakOutflow.MaxCubicMetresPerSecond), peak["maxCubicMetresPerSecond"]!.GetValue<double>());
        Assert.True(peak["minCubicMetresPerSecond"]!.GetValue<double>() < peak["maxCubicMetresPerSecond"]!.GetValue<double>());
        Assert.Equal(expected.WaveAt(25_000).Arrival.TotalMinutes, forecast["figures"]!["wave"]![1]!["arrivalMinutes"]!.GetValue<double>(), 0.1);

        // An edit of the dam's figures recomputes the forecast by itself: the same zones at their next version.
        await api.GraphQL.QueryAsync(SetDam, new { o = dam, l = Line(valley), d = new { upstreamDepthMetres = 40.0, relativeBreachWidth = 0.5, bedSlope = 1e-3, valleyCrossSlope = 0.002 } });
        var second = await ForecastPolling.SucceededAsync(api, id, version: 2);
        Assert.Equal("INPUTS_CHANGED", second["versions"]![1]!["reason"]!.GetValue<string>());
        Assert.Equal(Ids(horizons), Ids(second["horizons"]!.AsArray()));
        Assert.All(second["horizons"]!.AsArray(), h => Assert.Equal(2, h!["zone"]!["version"]!.GetValue<int>()));
        Assert.Null(second["figures"]!["peakOutflow"]);

        // Figures that the model refuses reach the stored row behind the API's back: the computation throws, FAILED, and the
        // zones stay at the version the last good computation wrote.
        await api.ScalarAsync<int>($"UPDATE dangerous_objects SET dam_parameters = jsonb_set(dam_parameters, '{{upstreamDepthMetres}}', '-5') WHERE id = '{dam}' RETURNING 1");
        await api.GraphQL.QueryAsync("mutation ($f: ID!) { refreshForecast(forecast: $f) { id } }", new { f = id });
        var failed = await ForecastPolling.WaitAsync(api, id, f => f["state"]!.GetValue<string>() == "FAILED", allowFailed: true);
        Assert.Contains("upstreamDepthMetres", failed["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, failed["version"]!.GetValue<int>());
        Assert.All(failed["horizons"]!.AsArray(), h =>
        {
            Assert.Equal(2, h!["zone"]!["version"]!.GetValue<int>());
            Assert.Equal("ACTIVE", h["zone"]!["status"]!.GetValue<string>());
        });
        Assert.Equal(8, await api.ScalarAsync<long>($"SELECT count(*) FROM emergency_zone_versions v JOIN forecast_horizons h ON h.zone_id = v.zone_id WHERE h.forecast_id = '{id}'"));
    }

    [Fact]
    public async Task Dam_break_bad_input_is_refused_and_nothing_is_stored()
    {
        double[] at = [Seed.InCity[0] + 0.35, Seed.InCity[1] + 0.3];
        var seed = new Seed(api.GraphQL);
        var dam = await seed.DangerousObjectAsync(at, "HYDRAULIC");
        var store = await seed.DangerousObjectAsync([at[0] + 0.01, at[1]]);

        // A valley line that starts 20 km from the dam is not the dam's valley: refused, and the object keeps none.
        var far = Valley([at[0] + 0.25, at[1]]);
        var response = await api.GraphQL.PostAsync(SetDam, new { o = dam, l = Line(far), d = Dam });
        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
        Assert.Equal("valleyLine", response.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Equal(0, await api.ScalarAsync<long>($"SELECT count(*) FROM dangerous_objects WHERE id = '{dam}' AND valley_line IS NOT NULL"));
        Assert.Equal("BAD_USER_INPUT", (await api.GraphQL.PostAsync(SetDam, new { o = store, l = Line(Valley(at)), d = Dam })).ErrorCode());
        Assert.Equal("BAD_USER_INPUT", (await api.GraphQL.PostAsync(SetDam, new { o = dam, l = Line(Valley(at)), d = new { upstreamDepthMetres = -1.0, relativeBreachWidth = 0.5,
            bedSlope = 1e-3, valleyCrossSlope = 0.005 } })).ErrorCode());

        await api.GraphQL.QueryAsync(SetDam, new { o = dam, l = Line(Valley(at)), d = Dam });
        await ForecastPolling.RefusedAsync(api, new { model = "DAM_BREAK", dangerousObject = dam, horizonsMinutes = new[] { 180, 60 } }, "input.horizonsMinutes");
        await ForecastPolling.RefusedAsync(api, new { model = "DAM_BREAK", dangerousObject = dam, horizonsMinutes = new[] { 60, 3000 } }, "input.horizonsMinutes");
        await ForecastPolling.RefusedAsync(api, new { model = "DAM_BREAK", dangerousObject = dam, substance = "chlorine" }, "input.substance");
        await ForecastPolling.RefusedAsync(api, new { model = "DAM_BREAK", dangerousObject = store }, "input.dangerousObject");
        await ForecastPolling.RefusedAsync(api, new { model = "DAM_BREAK", location = Seed.Point(at[0], at[1]) }, "input.location");
    }

    /// <summary>80 km from the dam, first north-east then east, three vertices.</summary>
    private static LineString Valley(double[] at)
    {
        var start = new Coordinate(at[0], at[1]);
        var bend = Geodesy.Destination(start, 45, 40_000);
        return GeoJson.Factory.CreateLineString([start, bend, Geodesy.Destination(bend, 90, 40_000)]);
    }

    private static object Line(LineString line) => new { type = "LineString", coordinates = line.Coordinates.Select(c => new[] { c.X, c.Y }).ToArray() };

    private static List<string> Ids(JsonArray horizons) => horizons.Select(h => h!["zoneId"]!.GetValue<string>()).ToList();
}
