namespace AssessmentEngine.ItemBank.Sampling;

/// <summary>
/// SplitMix64: a tiny generator whose output is fixed by its published algorithm, so a seed recorded in an
/// AttemptStarted event reproduces the same form on any .NET version (System.Random's seeded sequence is not a contract).
/// </summary>
internal struct SplitMix(ulong state)
{
    private ulong _state = state;

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, bound) without modulo bias worth speaking of for bounds this small.</summary>
    public int Below(int bound) => (int)((Next() >> 33) * (ulong)bound >> 31);

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Mix(ulong a, ulong b) => Mix(a + 0x9E3779B97F4A7C15UL * (b + 1));

    /// <summary>A child seed for the n-th form of a sitting or occasion of a simulation.</summary>
    public static int Derive(int seed, int n) => (int)Mix((ulong)(uint)seed, (ulong)(uint)n);

    /// <summary>FNV-1a of the UTF-16 code units: stable across processes, unlike string.GetHashCode.</summary>
    public static ulong Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
