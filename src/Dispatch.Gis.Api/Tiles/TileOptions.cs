namespace Dispatch.Gis.Tiles;

/// <summary>Section "Dispatch:Tiles".</summary>
internal sealed class TileOptions
{
    public const string Section = "Dispatch:Tiles";

    /// <summary>MVT grid size; 4096 is what MapLibre and every tile server use.</summary>
    public int Extent { get; set; } = 4096;

    /// <summary>Grid units beyond the tile edge (64 of 4096 = 4 px of a 256 px tile), as martin does.</summary>
    public int Buffer { get; set; } = 64;

    /// <summary>Features per tile and layer (pg_tileserv's default); past it the layer's priority order decides.</summary>
    public int MaxFeaturesPerTile { get; set; } = 10_000;
}
