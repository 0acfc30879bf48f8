using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.DangerousObjects;
using Dispatch.Gis.Events;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>A dam's figures as the breach-wave forecast reads them (see <see cref="DamBreakInput"/> and <see cref="BreachInput"/>).</summary>
/// <param name="Basis">Where the figures come from, cited.</param>
internal sealed record DamParameters(
    double UpstreamDepthMetres,
    double RelativeBreachWidth,
    double BedSlope,
    double ValleyCrossSlope,
    double? ReservoirVolumeCubicMetres = null,
    double? WaterDepthMetres = null,
    double? BreachHeightMetres = null,
    BreachMode? BreachMode = null,
    string? Basis = null);

internal sealed record StoredDam(Guid ObjectId, HazardClass HazardClass, string? TerritoryKato, Geometry? Location, LineString? ValleyLine,
    DamParameters? Parameters);

internal static class DamBreakDb
{
    private static readonly string[] DamChanged = ["DAM_BREAK_PARAMETERS"];

    private const string ByObject = """
        SELECT id, hazard_class, territory_kato, geom, valley_line, dam_parameters::text FROM dangerous_objects WHERE id = $1
        """;

    // The first vertex must be at the dam: a line drawn from elsewhere would send the wave down the wrong valley.
    private const string Update = """
        UPDATE dangerous_objects SET valley_line = $2, dam_parameters = $3::jsonb, updated_at = clock_timestamp()
        WHERE id = $1
        RETURNING ST_Distance(geom::geography, ST_StartPoint($2)::geography), ST_Length($2::geography)
        """;

    public static async Task<StoredDam?> ByObjectAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        var rows = await Db.ReadAllAsync(db, ByObject, r => new StoredDam(r.GetGuid(0), DbEnum.Parse<HazardClass>(r.GetString(1)), r.TextOrNull(2),
            r.IsDBNull(3) ? null : r.GetFieldValue<Geometry>(3), r.IsDBNull(4) ? null : r.GetFieldValue<LineString>(4),
            r.IsDBNull(5) ? null : JsonSerializer.Deserialize<DamParameters>(r.GetString(5), ForecastDb.Json)), ct, new NpgsqlParameter { Value = id });
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Writes the line and figures; returns how far the line starts from the object and its length, metres.</summary>
    public static async Task<(double StartFromDamMeters, double LengthMeters)> SetAsync(UnitOfWork w, StoredDam dam, LineString valley, DamParameters parameters,
        CancellationToken ct)
    {
        var rows = await Db.ReadAllAsync(w, Update, r => (r.GetDouble(0), r.GetDouble(1)), ct, new NpgsqlParameter { Value = dam.ObjectId },
            new NpgsqlParameter { Value = valley }, new NpgsqlParameter { Value = JsonSerializer.Serialize(parameters, ForecastDb.Json) });
        w.Add(new NewEvent("DANGEROUS_OBJECT_UPDATED", "DangerousObject", dam.ObjectId.ToString(),
            new { objectId = dam.ObjectId, hazardClass = DbEnum.Text(dam.HazardClass), changed = DamChanged }, dam.Location, dam.TerritoryKato));
        return rows[0];
    }
}

/// <summary>setDamBreakParameters: the valley line and dam figures of a HYDRAULIC object, checked by running the model on them.</summary>
internal sealed class DamBreakMutations(NpgsqlDataSource db, DamBreakModel model, SpatialArguments spatial)
{
    /// <summary>How far from the object's location the valley line may start: a dam's crest is long, its point is one spot on it.</summary>
    public const double MaxStartFromDamMeters = 5_000;

    public void AddTo(ObjectGraphType root) =>
        root.Field<NonNullGraphType<DamBreakSetupGraphType>>("setDamBreakParameters")
            .Description("Sets a HYDRAULIC object's downstream valley line and dam figures, which DAM_BREAK forecasts read at every computation.")
            .Argument<NonNullGraphType<IdGraphType>>("dangerousObject")
            .Argument<NonNullGraphType<GeometryGraphType>>("valleyLine", "A LineString from the dam downstream along the valley's thalweg.")
            .Argument<IntGraphType>("crs")
            .Argument<NonNullGraphType<DamParametersInputGraphType>>("dam")
            .AllowRoles(Role.Admin, Role.DutyOfficer112)
            .ResolveAsync(SetDamBreakParametersAsync);

    private async Task<object?> SetDamBreakParametersAsync(IResolveFieldContext ctx)
    {
        var ct = ctx.CancellationToken;
        var dam = await DamBreakDb.ByObjectAsync(db, ctx.GetId("dangerousObject"), ct) ?? throw new NotFoundException("no such dangerous object", "dangerousObject");
        ctx.AuditTerritory(dam.TerritoryKato);
        ctx.Caller().RequireTerritory(dam.TerritoryKato, "dangerousObject");
        if (dam.HazardClass != HazardClass.Hydraulic || dam.Location is null)
        {
            throw new BadUserInputException("only a located HYDRAULIC object has a dam to break", "dangerousObject");
        }

        var valley = await spatial.GeometryAsync(ctx.GetArgument<Geometry>("valleyLine"), ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84, "valleyLine", ct) as LineString
            ?? throw new InvalidGeometryException("valleyLine must be a LineString", "valleyLine");
        var parameters = ctx.GetArgument<DamParameters>("dam");
        parameters = parameters with { Basis = TextInput.Optional(parameters.Basis, "dam.basis", TextLimits.Note, multiline: true) };
        var input = DamBreakStep.Input(valley, parameters, DamBreakStep.DefaultHorizonsMinutes);
        if ((parameters.ReservoirVolumeCubicMetres is null) != (parameters.WaterDepthMetres is null))
        {
            throw new BadUserInputException("give reservoirVolumeCubicMetres and waterDepthMetres together (the peak outflow needs both)", "dam");
        }

        ForecastSteps.Named(() => model.Forecast(input), new Dictionary<string, string>(StringComparer.Ordinal) { ["valleyLine"] = "valleyLine" }
            .Concat(DamArguments.Select(a => KeyValuePair.Create(a, "dam." + a))).ToDictionary());
        var (start, length) = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            var measured = await DamBreakDb.SetAsync(w, dam, valley, parameters, ct);
            if (measured.StartFromDamMeters > MaxStartFromDamMeters)
            {
                // Thrown inside the unit of work, so the write rolls back: nothing is stored.
                throw new BadUserInputException($"valleyLine starts {measured.StartFromDamMeters / 1000:0.#} km from the dam; it must start at the dam "
                    + $"(within {MaxStartFromDamMeters / 1000:0} km) and run downstream", "valleyLine");
            }

            return measured;
        }, ct);
        return new DamBreakSetup(dam.ObjectId, GeoJson.Write(valley), Math.Round(length), parameters);
    }

    private static readonly string[] DamArguments =
    [
        "upstreamDepthMetres", "relativeBreachWidth", "bedSlope", "valleyCrossSlope", "reservoirVolumeCubicMetres", "waterDepthMetres", "breachHeightMetres",
    ];
}

internal sealed record DamBreakSetup(Guid DangerousObjectId, JsonElement ValleyLine, double ValleyLengthMeters, DamParameters Dam);

internal sealed class DamBreakSetupGraphType : ObjectGraphType<DamBreakSetup>
{
    public DamBreakSetupGraphType()
    {
        Name = "DamBreakSetup";
        Description = "A HYDRAULIC object's valley line and dam figures, as stored for DAM_BREAK forecasts.";
        Field<NonNullGraphType<IdGraphType>>("dangerousObjectId").Resolve(ctx => ctx.Source.DangerousObjectId);
        Field<NonNullGraphType<GeometryGraphType>>("valleyLine").Resolve(ctx => ctx.Source.ValleyLine);
        Field(x => x.ValleyLengthMeters).Description("Measured on the spheroid.");
        Field<NonNullGraphType<JsonGraphType>>("dam").Resolve(ctx => JsonSerializer.SerializeToElement(ctx.Source.Dam, ForecastDb.Json));
    }
}

internal sealed class DamParametersInputGraphType : InputObjectGraphType<DamParameters>
{
    public DamParametersInputGraphType()
    {
        Name = "DamParametersInput";
        Description = "What the CIS breach-wave table and the peak-outflow regressions take (SI units).";
        Field<NonNullGraphType<FloatGraphType>>("upstreamDepthMetres").Description("H0, the depth of water in front of the dam (table 20–80 m).");
        Field<NonNullGraphType<FloatGraphType>>("relativeBreachWidth").Description("B, the share of the dam's length that fails (table 0.25, 0.5, 1).");
        Field<NonNullGraphType<FloatGraphType>>("bedSlope").Description("i, the valley's fall per metre (table 1e-4 … 1e-3).");
        Field<NonNullGraphType<FloatGraphType>>("valleyCrossSlope").Description("tan of the valley side's slope across the flow (0.01 is 1 m in 100 m).");
        Field<FloatGraphType>("reservoirVolumeCubicMetres").Description("Vw, for the peak outflow (with waterDepthMetres).");
        Field<FloatGraphType>("waterDepthMetres").Description("hw, the water above the breach bottom at failure.");
        Field<FloatGraphType>("breachHeightMetres").Description("hb, crest to breach bottom, at least hw. Default hw.");
        Field<BreachModeGraphType>("breachMode").Description("Default OVERTOPPING.");
        Field<StringGraphType>("basis").Description("Where the figures come from.");
    }
}

internal sealed class BreachModeGraphType : EnumerationGraphType<BreachMode>
{
    public BreachModeGraphType() => Name = "BreachMode";
}
