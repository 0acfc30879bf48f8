using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// The substance-independent tables of RD 52.04.253-90 (data/forecast/depth-table.json and rd-coefficients.json),
/// with the look-ups the method prescribes: linear interpolation between entries, the end rows beyond the table.
/// Every look-up reports whether it stayed inside the table and on verified entries, so the forecast can say so.
/// </summary>
internal sealed class RdTables
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly double[] _quantities;
    private readonly DepthColumn[] _columns;
    private readonly (double Wind, double K4)[] _k4;
    private readonly Dictionary<Stability, double> _k5;
    private readonly Dictionary<Stability, double> _k8;
    private readonly Dictionary<Stability, FrontSpeedRow[]> _frontSpeed;

    private RdTables(DepthFile depths, CoefficientFile coefficients)
    {
        _quantities = [.. depths.EquivalentQuantitiesTonnes];
        _columns = [.. depths.Columns.OrderBy(c => c.WindSpeedMetresPerSecond)];
        if (_columns.Any(c => c.DepthsKm.Count != _quantities.Length))
        {
            throw new InvalidOperationException("depth-table.json: every column needs one depth per equivalent quantity");
        }

        _k4 = [.. coefficients.K4.OrderBy(r => r.WindSpeedMetresPerSecond).Select(r => (r.WindSpeedMetresPerSecond, r.K4))];
        _k5 = coefficients.K5.ToDictionary(r => r.Stability, r => r.K5);
        _k8 = coefficients.K8.ToDictionary(r => r.Stability, r => r.K8);
        _frontSpeed = coefficients.FrontSpeed.GroupBy(r => r.Stability)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.WindSpeedMetresPerSecond).ToArray());
        Version = $"{depths.Version}/{coefficients.Version}";
    }

    public string Version { get; }

    public double MinWindSpeedMetresPerSecond => _columns[0].WindSpeedMetresPerSecond;

    public double MaxWindSpeedMetresPerSecond => _columns[^1].WindSpeedMetresPerSecond;

    public static RdTables Load(string directory)
    {
        using var depths = File.OpenRead(Path.Combine(directory, "depth-table.json"));
        using var coefficients = File.OpenRead(Path.Combine(directory, "rd-coefficients.json"));
        return new RdTables(
            JsonSerializer.Deserialize<DepthFile>(depths, Options) ?? throw new InvalidOperationException("depth-table.json is empty"),
            JsonSerializer.Deserialize<CoefficientFile>(coefficients, Options)
                ?? throw new InvalidOperationException("rd-coefficients.json is empty"));
    }

    /// <summary>
    /// Depth in km (the method's unit) for an equivalent quantity in tonnes: linear in Qэ between the table's rows, as the
    /// SP 165 example interpolates (5.53 + 0.182·(8.19 − 5.53) for 11.82 t), and linear in wind between its columns.
    /// Wind outside 1–15 m/s takes the end column. Past either end of the quantity column the curve is continued as the
    /// power law through the two end entries (depth grows as Qэ^0.5–0.65 there), and the result says it left the table.
    /// </summary>
    public TableLookup DepthKm(double equivalentTonnes, double windMetresPerSecond)
    {
        if (equivalentTonnes <= 0)
        {
            return new TableLookup(0, InsideTable: true, Verified: true);
        }

        var wind = Math.Clamp(windMetresPerSecond, MinWindSpeedMetresPerSecond, MaxWindSpeedMetresPerSecond);
        var upper = Array.FindIndex(_columns, c => c.WindSpeedMetresPerSecond >= wind);
        var lower = _columns[upper].WindSpeedMetresPerSecond == wind ? upper : upper - 1;
        var low = InColumn(_columns[lower], equivalentTonnes);
        if (lower == upper)
        {
            return low;
        }

        var high = InColumn(_columns[upper], equivalentTonnes);
        var share = (wind - _columns[lower].WindSpeedMetresPerSecond)
            / (_columns[upper].WindSpeedMetresPerSecond - _columns[lower].WindSpeedMetresPerSecond);
        return new TableLookup(
            low.Value + (share * (high.Value - low.Value)), low.InsideTable && high.InsideTable, low.Verified && high.Verified);
    }

    private TableLookup InColumn(DepthColumn column, double q)
    {
        var depths = column.DepthsKm;
        var n = _quantities.Length;
        if (q < _quantities[0] || q > _quantities[n - 1])
        {
            var (i, j) = q < _quantities[0] ? (0, 1) : (n - 2, n - 1);
            var exponent = Math.Log(depths[j] / depths[i]) / Math.Log(_quantities[j] / _quantities[i]);
            return new TableLookup(depths[i] * Math.Pow(q / _quantities[i], exponent), InsideTable: false, Verified: false);
        }

        var k = Math.Max(1, Array.FindIndex(_quantities, x => x >= q));
        var share = (q - _quantities[k - 1]) / (_quantities[k] - _quantities[k - 1]);
        var value = depths[k - 1] + (share * (depths[k] - depths[k - 1]));
        var usedLow = share < 1;
        var usedHigh = share > 0;
        var verified = (!usedLow || column.IsVerified(_quantities[k - 1])) && (!usedHigh || column.IsVerified(_quantities[k]));
        return new TableLookup(value, InsideTable: true, verified);
    }

    /// <summary>K4 by wind speed, linear between the tabulated speeds (1…10, 15 m/s), the end value beyond them.</summary>
    public double K4(double windMetresPerSecond) => Interpolate(_k4, windMetresPerSecond);

    public double K5(Stability stability) => _k5[stability];

    public double K8(Stability stability) => _k8[stability];

    /// <summary>
    /// Front speed in km/h (the method's unit), linear in wind between tabulated speeds. Inversion and convection are
    /// tabulated to 4 m/s only (the air is isothermal above); below 1 m/s the 1 m/s value is used.
    /// </summary>
    public TableLookup FrontSpeedKilometresPerHour(double windMetresPerSecond, Stability stability)
    {
        var rows = _frontSpeed[stability];
        var inside = windMetresPerSecond >= rows[0].WindSpeedMetresPerSecond && windMetresPerSecond <= rows[^1].WindSpeedMetresPerSecond;
        var value = Interpolate([.. rows.Select(r => (r.WindSpeedMetresPerSecond, r.KilometresPerHour))], windMetresPerSecond);
        var wind = Math.Clamp(windMetresPerSecond, rows[0].WindSpeedMetresPerSecond, rows[^1].WindSpeedMetresPerSecond);
        var verified = rows.Where(r => Math.Abs(r.WindSpeedMetresPerSecond - wind) < 1).All(r => r.Verified);
        return new TableLookup(value, inside, verified);
    }

    private static double Interpolate((double X, double Y)[] table, double x)
    {
        if (x <= table[0].X)
        {
            return table[0].Y;
        }

        if (x >= table[^1].X)
        {
            return table[^1].Y;
        }

        var k = Array.FindIndex(table, r => r.X >= x);
        var share = (x - table[k - 1].X) / (table[k].X - table[k - 1].X);
        return table[k - 1].Y + (share * (table[k].Y - table[k - 1].Y));
    }

    private sealed record DepthFile(string Version, List<double> EquivalentQuantitiesTonnes, List<DepthColumn> Columns);

    private sealed record DepthColumn(
        double WindSpeedMetresPerSecond, List<double> DepthsKm, List<double> VerifiedQuantitiesTonnes, bool Verified)
    {
        public bool IsVerified(double quantity) => Verified || VerifiedQuantitiesTonnes.Contains(quantity);
    }

    private sealed record CoefficientFile(string Version, List<K4Row> K4, List<K5Row> K5, List<K8Row> K8, List<FrontSpeedRow> FrontSpeed);

    private sealed record K4Row(double WindSpeedMetresPerSecond, double K4);

    private sealed record K5Row(Stability Stability, double K5);

    private sealed record K8Row(Stability Stability, double K8);

    private sealed record FrontSpeedRow(Stability Stability, double WindSpeedMetresPerSecond, double KilometresPerHour, bool Verified);
}

/// <summary>A table value, whether it came from inside the table, and whether every entry it used is verified.</summary>
internal sealed record TableLookup(double Value, bool InsideTable, bool Verified);
