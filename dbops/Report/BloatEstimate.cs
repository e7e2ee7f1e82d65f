namespace Dbops.Report;

/// <summary>A column as the planner's statistics describe it: average stored width, share of NULLs, and the type's storage.</summary>
public readonly record struct ColumnStats(double AvgWidth, double NullFraction, int TypeLength, char TypeAlign);

/// <summary>
/// How many pages a table's live rows need, from the planner's statistics, laid out as
/// PostgreSQL lays out a heap tuple: a 23-byte header (plus a NULL bitmap when a column can
/// be NULL) aligned to 8, each column at its type's alignment (short variable-length values,
/// under 127 bytes, are stored unaligned), the whole tuple aligned to 8, a 4-byte line
/// pointer, and the page's 24-byte header and fillfactor. The difference to the table's real
/// size is space that dead rows took and VACUUM freed but the file kept: bloat.
/// </summary>
public static class BloatEstimate
{
    private const int PageSize = 8192;
    private const int PageHeader = 24;
    private const int TupleHeader = 23;
    private const int LinePointer = 4;

    public static double TupleBytes(IReadOnlyList<ColumnStats> columns)
    {
        var header = TupleHeader + (columns.Any(c => c.NullFraction > 0) ? (columns.Count + 7) / 8 : 0);
        double offset = 0;
        foreach (var c in columns)
        {
            if (c.NullFraction >= 1) continue;
            var shortVarlena = c.TypeLength == -1 && c.AvgWidth < 127;
            var align = shortVarlena ? 1 : c.TypeAlign switch { 'd' => 8, 'i' => 4, 's' => 2, _ => 1 };
            // A column that is mostly NULL mostly takes no room, padding included.
            offset = (1 - c.NullFraction) * Align(offset, align) + c.NullFraction * offset;
            offset += c.AvgWidth * (1 - c.NullFraction);
        }
        return Align(header, 8) + Align(offset, 8) + LinePointer;
    }

    /// <summary>Bytes the table has beyond what its live rows need (never negative).</summary>
    public static long BloatBytes(long tableBytes, double rows, IReadOnlyList<ColumnStats> columns, int fillFactor)
    {
        if (rows <= 0 || columns.Count == 0) return 0;
        var usable = (PageSize - PageHeader) * fillFactor / 100.0;
        var perPage = Math.Max(1, Math.Floor(usable / TupleBytes(columns)));
        var needed = (long)Math.Ceiling(rows / perPage) * PageSize;
        return Math.Max(0, tableBytes - needed);
    }

    private static double Align(double offset, int align) => Math.Ceiling(offset / align) * align;
}
