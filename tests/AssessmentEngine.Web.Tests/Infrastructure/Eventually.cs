namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>Polls until a condition holds, for what settles asynchronously (a schema applied, a projection caught up).</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? within = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Waits.Settle);
        T last;
        do
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"{what ?? "the condition"} did not hold in time; last value: {last}");
    }
}
