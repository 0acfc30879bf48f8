using System.Text.Json;
using Dispatch.Gis.Forecasts.Models;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>The data files are edited by hand from cited sources: these catch a slipped digit or a missing citation.</summary>
[Trait("Category", "Models")]
public sealed class ForecastDataFileTests
{
    private static string File(string name) => Path.Combine(ChemicalReleaseModel.DefaultDirectory, name);

    [Theory]
    [InlineData("chlorine")]
    [InlineData("ammonia")]
    [InlineData("hydrogen-sulphide")]
    [InlineData("sulphur-dioxide")]
    [InlineData("hydrogen-chloride")]
    [InlineData("hydrogen-fluoride")]
    [InlineData("phosgene")]
    [InlineData("hydrogen-cyanide")]
    [InlineData("nitrogen-oxides")]
    [InlineData("formaldehyde")]
    public void The_issue_s_substances_are_all_there_with_five_K7_rows_and_a_citation(string id)
    {
        var substance = ForecastData.Chemical.Substances.Find(id);

        Assert.Equal([-40, -20, 0, 20, 40], substance.K7.Select(k => k.TemperatureCelsius));
        Assert.False(string.IsNullOrWhiteSpace(substance.Citation));
        Assert.Equal(1, substance.K7.Single(k => k.TemperatureCelsius == 20).Primary);
    }

    [Fact]
    public void K3_is_chlorine_s_threshold_toxodose_over_the_substance_s_within_rounding()
    {
        var chlorine = ForecastData.Chemical.Substances.Find("chlorine");

        Assert.All(ForecastData.Chemical.Substances.All, s =>
            Assert.Equal(1, s.K3 / (chlorine.ThresholdToxodoseMgMinPerLitre / s.ThresholdToxodoseMgMinPerLitre), 0.05));
    }

    [Fact]
    public void Depths_grow_with_the_quantity_and_do_not_grow_with_the_wind()
    {
        using var json = JsonDocument.Parse(System.IO.File.ReadAllText(File("depth-table.json")));
        var columns = json.RootElement.GetProperty("columns").EnumerateArray()
            .Select(c => c.GetProperty("depthsKm").EnumerateArray().Select(d => d.GetDouble()).ToArray()).ToArray();

        Assert.Equal(15, columns.Length);
        Assert.All(columns, c => Assert.Equal(c.Order(), c));
        for (var wind = 1; wind < columns.Length; wind++)
        {
            Assert.All(Enumerable.Range(0, columns[wind].Length), q => Assert.True(columns[wind][q] <= columns[wind - 1][q]));
        }
    }

    [Theory]
    [InlineData("substances.json", "substances")]
    [InlineData("depth-table.json", "columns")]
    [InlineData("breach-wave.json", "rows")]
    [InlineData("rd-coefficients.json", "k4")]
    [InlineData("rd-coefficients.json", "k5")]
    [InlineData("rd-coefficients.json", "k8")]
    [InlineData("rd-coefficients.json", "frontSpeed")]
    public void Every_row_cites_its_source_and_says_whether_it_is_verified(string file, string member)
    {
        using var json = JsonDocument.Parse(System.IO.File.ReadAllText(File(file)));

        Assert.All(json.RootElement.GetProperty(member).EnumerateArray(), row =>
        {
            Assert.False(string.IsNullOrWhiteSpace(row.GetProperty("citation").GetString()));
            Assert.Contains(row.GetProperty("verified").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        });
    }

    [Fact]
    public void The_breach_table_is_the_full_grid_of_H0_B_and_i()
    {
        var table = BreachWaveTable.Load(BreachWaveTable.DefaultPath);

        Assert.Equal(18, table.Rows.Select(r => (r.UpstreamDepthMetres, r.RelativeBreachWidth, r.BedSlope)).Distinct().Count());
    }
}
