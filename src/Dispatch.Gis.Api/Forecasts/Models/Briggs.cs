namespace Dispatch.Gis.Forecasts.Models;

internal enum Terrain
{
    Rural,
    Urban,
}

/// <summary>
/// Briggs (1973) dispersion parameters, x the downwind distance in metres, as in GasDispersion.jl
/// <c>briggs.jl</c> (from CCPS 1999 with the Griffiths 1994 corrections; ../shared/FEEDS-AND-MODELS.md §2). Briggs fitted
/// them from 100 m to 10 km; outside that range they are extrapolations.
/// </summary>
internal static class Briggs
{
    public const double FittedFromMetres = 100;
    public const double FittedToMetres = 10_000;

    public static (double SigmaYMetres, double SigmaZMetres) Sigmas(PasquillClass stability, Terrain terrain, double x) =>
        terrain == Terrain.Rural ? Rural(stability, x) : Urban(stability, x);

    private static (double, double) Rural(PasquillClass stability, double x)
    {
        var sy = x / Math.Sqrt(1 + (1e-4 * x));
        return stability switch
        {
            PasquillClass.A => (0.22 * sy, 0.20 * x),
            PasquillClass.B => (0.16 * sy, 0.12 * x),
            PasquillClass.C => (0.11 * sy, 0.08 * x / Math.Sqrt(1 + (2e-4 * x))),
            PasquillClass.D => (0.08 * sy, 0.06 * x / Math.Sqrt(1 + (1.5e-3 * x))),
            PasquillClass.E => (0.06 * sy, 0.03 * x / (1 + (3e-4 * x))),
            PasquillClass.F => (0.04 * sy, 0.016 * x / (1 + (3e-4 * x))),
            _ => throw new ArgumentOutOfRangeException(nameof(stability)),
        };
    }

    private static (double, double) Urban(PasquillClass stability, double x)
    {
        var sy = x / Math.Sqrt(1 + (4e-4 * x));
        return stability switch
        {
            PasquillClass.A or PasquillClass.B => (0.32 * sy, 0.24 * x * Math.Sqrt(1 + (1e-3 * x))),
            PasquillClass.C => (0.22 * sy, 0.20 * x),
            PasquillClass.D => (0.16 * sy, 0.14 * x / Math.Sqrt(1 + (3e-4 * x))),
            PasquillClass.E or PasquillClass.F => (0.11 * sy, 0.08 * x / Math.Sqrt(1 + (1.5e-3 * x))),
            _ => throw new ArgumentOutOfRangeException(nameof(stability)),
        };
    }
}
