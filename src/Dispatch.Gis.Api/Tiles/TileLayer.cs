namespace Dispatch.Gis.Tiles;

/// <summary>One attribute of a tile layer: its name in the tile, the SQL that computes it, and its TileJSON type.</summary>
internal sealed record TileAttribute(string Name, string Sql, string Type, string Description);

/// <summary>
/// A vector-tile layer, declared once: where its rows come from, which column places them, which column decides
/// the territorial scope, what each feature carries and what identifies a row's state for the ETag. Everything
/// here is fixed text from the code; a client names a layer only by picking one of <see cref="TileLayers.All"/>.
/// </summary>
/// <param name="From">FROM clause (joins allowed); the geometry column is EPSG:4326 with a GiST index.</param>
/// <param name="Fingerprint">Text that changes whenever the row's feature would change (state, attributes, shape version).</param>
/// <param name="Order">Which rows win when a tile holds more than the feature limit: ORDER BY keys over the source columns, each optionally " DESC".</param>
/// <param name="Version">Bump when the attributes or the SQL change, so every cached tile of the layer is revalidated.</param>
internal sealed record TileLayer(
    string Name,
    string Description,
    string From,
    string Geometry,
    string ScopeColumn,
    IReadOnlyList<TileAttribute> Attributes,
    string Fingerprint,
    IReadOnlyList<string> Order,
    int MinZoom,
    int MaxZoom,
    int Version,
    string? Where = null,
    string? FeatureId = null,
    bool Polygons = false);
