namespace AssessmentEngine.ItemBank.Invigilation;

/// <summary>Where each line of a text starts, to map Markdig's character spans back to the file's lines.</summary>
internal sealed class SourceLines
{
    private readonly List<int> _starts = [0];

    public SourceLines(string text)
    {
        Text = text;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _starts.Add(i + 1);
            }
        }
    }

    public string Text { get; }

    public int Count => _starts.Count;

    /// <summary>The 0-based line holding the character at <paramref name="offset"/>.</summary>
    public int IndexAt(int offset)
    {
        var index = _starts.BinarySearch(Math.Clamp(offset, 0, Math.Max(0, Text.Length - 1)));
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>The 0-based line <paramref name="index"/> without its line break.</summary>
    public string Line(int index)
    {
        var end = index + 1 < _starts.Count ? _starts[index + 1] - 1 : Text.Length;
        return Text[_starts[index]..end];
    }

    /// <summary>Lines <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), with their line breaks.</summary>
    public string Slice(int from, int to) =>
        from >= to || from >= _starts.Count ? "" : Text[_starts[from]..(to < _starts.Count ? _starts[to] : Text.Length)];
}
