using System.Text.Json;
using System.Text.Json.Serialization;
using Dispatch.Gis.GraphQL;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>How a substance is held, which decides which clouds a release forms (RD 52.04.253-90 §2).</summary>
internal enum Storage
{
    /// <summary>Liquefied under pressure: part flashes into a primary cloud (K1), the rest evaporates into a secondary one.</summary>
    PressurisedLiquefiedGas,

    /// <summary>Liquefied by cooling: a small primary cloud (K1 for a spill into a tray) and a secondary one.</summary>
    RefrigeratedLiquefiedGas,

    /// <summary>Liquid at ambient temperature (K1 = 0): a secondary cloud only.</summary>
    Liquid,
}

/// <summary>
/// One row of data/forecast/substances.json, in the method's units (t/m³, mg·min/L); AEGL-2 (60 min) in mg/m³, the
/// concentration a Gaussian plume outlines when the officer gives no threshold, only where a citation says where it is from.
/// </summary>
internal sealed record Substance(
    string Id,
    string NameRu,
    string NameEn,
    IReadOnlyList<string> Aliases,
    Storage Storage,
    double DensityLiquidTonnesPerCubicMetre,
    double? DensityGasTonnesPerCubicMetre,
    double? BoilingPointCelsius,
    double ThresholdToxodoseMgMinPerLitre,
    double K1,
    double K2,
    double K3,
    IReadOnlyList<TemperatureFactor> K7,
    string Citation,
    bool Verified,
    string? Note = null,
    double? Aegl2SixtyMinutesMilligramsPerCubicMetre = null,
    string? Aegl2Citation = null);

/// <summary>K7 at one tabulated temperature: for the primary and the secondary cloud.</summary>
internal sealed record TemperatureFactor(double TemperatureCelsius, double Primary, double Secondary);

internal sealed class SubstanceCatalog
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private readonly Dictionary<string, Substance> _byName = new(StringComparer.OrdinalIgnoreCase);

    private SubstanceCatalog(string version, IReadOnlyList<Substance> substances)
    {
        Version = version;
        All = substances;
        foreach (var substance in substances)
        {
            foreach (var name in substance.Aliases.Append(substance.Id).Append(substance.NameRu).Append(substance.NameEn))
            {
                if (!_byName.TryAdd(name.Trim(), substance) && _byName[name.Trim()] != substance)
                {
                    throw new InvalidOperationException($"substances.json: the name '{name}' is given to two substances");
                }
            }
        }
    }

    public string Version { get; }

    public IReadOnlyList<Substance> All { get; }

    public static SubstanceCatalog Load(string path)
    {
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize<SubstanceFile>(stream, Options) ?? throw new InvalidOperationException($"{path} is empty");
        return new SubstanceCatalog(file.Version, file.Substances);
    }

    /// <summary>By id, Russian or English name, alias or UN number, ignoring case.</summary>
    /// <exception cref="BadUserInputException">naming "substance" and listing the substances the method can forecast.</exception>
    public Substance Find(string? name)
    {
        if (!string.IsNullOrWhiteSpace(name) && _byName.TryGetValue(name.Trim(), out var substance))
        {
            return substance;
        }

        throw new BadUserInputException(
            $"unknown substance '{name}'; the method has coefficients for: {string.Join(", ", All.Select(s => s.Id))}", "substance");
    }

    private sealed record SubstanceFile(string Version, List<Substance> Substances);
}
