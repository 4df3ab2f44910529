namespace AssessmentEngine.ItemBank.Sampling;

/// <summary>
/// Assembles test forms from a unit's bank by its blueprint (issue 4's rules 1–7). Every call is a pure function of its
/// arguments: the same bank, blueprint, history, sitting, exposure, seed and day give the same form. To assemble many
/// forms against one bank, <see cref="SamplingPlan.Prepare"/> once and call the plan.
/// </summary>
public static class Sampler
{
    /// <summary>
    /// One candidate's form. <paramref name="sitting"/>: the forms already given to others in the same sitting (their
    /// items are avoided); <paramref name="exposure"/>: uses per item id so far (least used first).
    /// </summary>
    /// <exception cref="InfeasibleBlueprintException">The bank cannot fill some section even once.</exception>
    public static Form Assemble(Unit unit, Blueprint blueprint, CandidateHistory history, IReadOnlyList<Form> sitting,
        IReadOnlyDictionary<string, int> exposure, int seed, DateOnly today) =>
        SamplingPlan.Prepare(unit, blueprint, today).Assemble(history, sitting, exposure, seed);

    /// <summary>The forms of a whole sitting, one per candidate history, keeping the largest pairwise overlap small.</summary>
    /// <exception cref="InfeasibleBlueprintException">The bank cannot fill some section even once.</exception>
    public static SittingForms AssembleSitting(Unit unit, Blueprint blueprint, IReadOnlyList<CandidateHistory> candidates,
        IReadOnlyDictionary<string, int> exposure, int seed, DateOnly today) =>
        SamplingPlan.Prepare(unit, blueprint, today).AssembleSitting(candidates, exposure, seed);
}
