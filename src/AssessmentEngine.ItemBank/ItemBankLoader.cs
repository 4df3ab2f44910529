namespace AssessmentEngine.ItemBank;

/// <summary>
/// Loads item-bank folders or files: parses and lints them in one pass. It never throws on bad input; every problem
/// is a <see cref="Diagnostic"/> pointing at the offending line, and items or blueprints with errors are left out.
/// </summary>
public static class ItemBankLoader
{
    /// <summary>
    /// Loads bank root folders (holding unit folders), unit folders, or single files (checked against their unit's
    /// unit.md). Diagnostic paths are relative to <paramref name="relativeTo"/>, with '/' separators.
    /// </summary>
    public static BankLoad Load(IEnumerable<string> paths, string relativeTo) => Load(paths, relativeTo, LoadOptions.Now());

    public static BankLoad Load(IEnumerable<string> paths, string relativeTo, LoadOptions options)
    {
        var diagnostics = new List<Diagnostic>();
        var qualifications = new List<BankFile>();
        var units = DiskSources.Find(paths, relativeTo, diagnostics, qualifications);
        return Analyse(units, qualifications, diagnostics, options);
    }

    /// <summary>
    /// Loads in-memory files (relative path → bytes), as from an uploaded zip of a unit folder or a single item with
    /// its unit's unit.md. The layout rules are the same as on disk: &lt;unit&gt;/unit.md, &lt;unit&gt;/test.md, &lt;unit&gt;/items/*.md.
    /// </summary>
    public static BankLoad LoadFiles(IReadOnlyDictionary<string, byte[]> files) => LoadFiles(files, LoadOptions.Now());

    public static BankLoad LoadFiles(IReadOnlyDictionary<string, byte[]> files, LoadOptions options)
    {
        var diagnostics = new List<Diagnostic>();
        var qualifications = new List<BankFile>();
        var units = MemorySources.Find(files, options.WholeUnits, diagnostics, qualifications);
        return Analyse(units, qualifications, diagnostics, options);
    }

    private sealed record LoadedUnit(UnitSource Source, UnitContext? Context, FileReport? UnitReport, List<ParsedItem> Items, List<ParsedBlueprint> Blueprints);

    private static BankLoad Analyse(IReadOnlyList<UnitSource> sources, IReadOnlyList<BankFile> qualificationFiles, List<Diagnostic> diagnostics, LoadOptions options)
    {
        var loaded = sources.Select(source => LoadUnit(source, diagnostics, options)).ToList();

        ReportDuplicateItemIds(loaded.SelectMany(unit => unit.Items));
        ReportDuplicateUnitCodes(loaded);
        ReportDuplicateBlueprintIds(loaded.SelectMany(unit => unit.Blueprints));

        var units = new List<Unit>();
        foreach (var unit in loaded)
        {
            if (unit.Context is not { } context)
            {
                continue;
            }

            var items = unit.Items.Where(item => item.Item is not null && !item.Report.HasErrors).Select(item => item.Item!).ToList();
            var whole = !unit.Source.Partial;
            if (whole)
            {
                ReportStatementsWithoutItems(context, unit, items);
                ReportOneSidedExclusions(unit);
                ItemWriting.CheckBank(items, unit.UnitReport!, context.CodeLine);
            }

            var draft = new Unit(context.Folder, context.Code, context.Title, context.AwardingBody, context.Level, context.Aliases,
                context.Policy, context.Outcomes, items, []) { Methods = context.Methods };
            var blueprints = new List<Blueprint>();
            foreach (var parsed in unit.Blueprints)
            {
                // A well-formed blueprint stays in the unit even when this bank cannot serve it: coverage needs it to
                // show what is short, and the sampler reports the same shortfall at sitting time.
                if (!parsed.Report.HasErrors)
                {
                    blueprints.Add(parsed.Blueprint);
                }

                if (whole)
                {
                    foreach (var shortfall in Safely(() => Feasibility.Check(draft, parsed.Blueprint, options.Today), parsed.Report) ?? [])
                    {
                        parsed.Report.Error(parsed.SectionLines[shortfall.Section - 1], shortfall.Describe(parsed.Blueprint));
                    }
                }
            }

            if (whole)
            {
                ReportTestAgainstMethods(context, unit);
            }

            units.Add(draft with { Blueprints = blueprints, Briefs = LoadBriefs(unit.Source, context, diagnostics) });
        }

        var qualifications = LoadQualifications(qualificationFiles, units, diagnostics);
        var ordered = diagnostics.OrderBy(d => d.Path, StringComparer.Ordinal).ThenBy(d => d.Line).ToList();
        return new BankLoad(units.OrderBy(unit => unit.Folder, StringComparer.Ordinal).ToList(), ordered) { Qualifications = qualifications };
    }

    /// <summary>
    /// The bank's qualifications, each checked against the units loaded with it; those with errors are reported and left
    /// out, and two files with one code are both refused.
    /// </summary>
    private static List<Qualification> LoadQualifications(IReadOnlyList<BankFile> files, IReadOnlyList<Unit> units, List<Diagnostic> diagnostics)
    {
        var byCode = units.GroupBy(unit => unit.Code, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.First(), StringComparer.Ordinal);
        var parsed = new List<(Qualification Qualification, FileReport Report)>();
        foreach (var file in files)
        {
            var report = new FileReport(file.Path, diagnostics);
            var text = Read(file, report);
            if (text is not null && Safely(() => QualificationParser.Parse(text, report, byCode), report) is { } qualification)
            {
                parsed.Add((qualification, report));
            }
        }

        var qualifications = new List<Qualification>();
        foreach (var group in parsed.GroupBy(q => q.Qualification.Code, StringComparer.Ordinal))
        {
            if (group.Count() > 1)
            {
                foreach (var (qualification, report) in group)
                {
                    report.Error(1, $"qualification code '{group.Key}' is also used by {string.Join(", ", group.Where(other => other.Report != report).Select(other => other.Report.Path))}");
                }

                continue;
            }

            qualifications.Add(group.Single().Qualification);
        }

        return qualifications.OrderBy(q => q.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary>The unit's briefs, each parsed against its unit; those with errors are reported and left out.</summary>
    private static List<Brief> LoadBriefs(UnitSource source, UnitContext context, List<Diagnostic> diagnostics)
    {
        var briefs = new List<Brief>();
        foreach (var file in source.Briefs)
        {
            var report = new FileReport(file.Path, diagnostics);
            var text = Read(file, report);
            if (text is not null && Safely(() => BriefParser.Parse(text, report, context), report) is { } brief)
            {
                briefs.Add(brief);
            }
        }

        return briefs;
    }

    /// <summary>A test blueprint (test.md) on a unit whose methods do not include an online test is worth a look.</summary>
    private static void ReportTestAgainstMethods(UnitContext context, LoadedUnit unit)
    {
        if (context.Methods.Count == 0)
        {
            return;
        }

        if (unit.Blueprints.Count > 0 && !context.Methods.Any(method => method.Method == AssessmentMethod.OnlineTest))
        {
            unit.UnitReport!.Warning(1, "the unit has an online test (test.md) but its methods do not include online_test: the specification does not assess it that way");
        }
    }

    private static LoadedUnit LoadUnit(UnitSource source, List<Diagnostic> diagnostics, LoadOptions options)
    {
        UnitContext? context = null;
        FileReport? unitReport = null;
        if (source.UnitFile is { } unitFile)
        {
            unitReport = new FileReport(unitFile.Path, diagnostics);
            var text = Read(unitFile, unitReport);
            context = text is null ? null : Safely(() => UnitParser.Parse(text, unitReport, source.Folder, source.ImageExists), unitReport);
        }
        else
        {
            new FileReport(source.UnitFilePath, diagnostics).Error(1,
                "this unit folder has no unit.md (the unit's codes, outcomes and statements); its items cannot be checked against it");
        }

        var items = new List<ParsedItem>();
        foreach (var file in source.Items)
        {
            var report = new FileReport(file.Path, diagnostics);
            var text = Read(file, report);
            var parsed = text is null ? null : Safely(() => ItemParser.Parse(text, report, context, options), report);
            items.Add(parsed ?? new ParsedItem(file.Path, null, 1, null, report));
        }

        var blueprints = new List<ParsedBlueprint>();
        foreach (var file in source.Tests)
        {
            var report = new FileReport(file.Path, diagnostics);
            var text = Read(file, report);
            if (text is not null && Safely(() => BlueprintParser.Parse(text, report, context), report) is { } blueprint)
            {
                blueprints.Add(blueprint);
            }
        }

        return new LoadedUnit(source, context, unitReport, items, blueprints);
    }

    private static SourceText? Read(BankFile file, FileReport report)
    {
        var bytes = file.Read(report);
        return bytes is null ? null : SourceText.Decode(bytes, report);
    }

    // The parsers report every problem they know of; this is the last line of defence that keeps Load from ever
    // throwing, should a library meet input nobody foresaw.
#pragma warning disable CA1031 // Do not catch general exception types: by design, see above.
    private static T? Safely<T>(Func<T?> parse, FileReport report) where T : class
    {
        try
        {
            return parse();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            report.Error(1, $"the file could not be read ({exception.GetType().Name}: {exception.Message}); please report this");
            return null;
        }
    }
#pragma warning restore CA1031

    private static void ReportDuplicateItemIds(IEnumerable<ParsedItem> items)
    {
        foreach (var group in items.Where(item => item.Id is not null).GroupBy(item => item.Id!, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            foreach (var item in group)
            {
                var others = string.Join(", ", group.Where(other => !ReferenceEquals(other, item)).Select(other => $"{other.Path}:{other.IdLine}"));
                item.Report.Error(item.IdLine, $"duplicate item id '{group.Key}': also in {others}; ids are unique across the whole bank");
            }
        }
    }

    private static void ReportDuplicateUnitCodes(IEnumerable<LoadedUnit> units)
    {
        foreach (var group in units.Where(unit => unit.Context is not null).GroupBy(unit => unit.Context!.Code, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            foreach (var unit in group)
            {
                var others = string.Join(", ", group.Where(other => !ReferenceEquals(other, unit)).Select(other => other.Context!.UnitFilePath));
                unit.UnitReport!.Error(unit.Context!.CodeLine, $"unit code '{group.Key}' is also used by {others}");
            }
        }
    }

    private static void ReportDuplicateBlueprintIds(IEnumerable<ParsedBlueprint> blueprints)
    {
        foreach (var group in blueprints.GroupBy(blueprint => blueprint.Blueprint.Id, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            foreach (var blueprint in group)
            {
                var others = string.Join(", ", group.Where(other => !ReferenceEquals(other, blueprint)).Select(other => $"{other.Report.Path}:{other.IdLine}"));
                blueprint.Report.Error(blueprint.IdLine, $"duplicate test id '{group.Key}': also in {others}");
            }
        }
    }

    /// <summary>Enemy items are named both ways, and only items of the same unit can be named.</summary>
    private static void ReportOneSidedExclusions(LoadedUnit unit)
    {
        var items = unit.Items.Where(parsed => parsed.Item is not null).GroupBy(parsed => parsed.Item!.Id, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First().Item!, StringComparer.Ordinal);
        foreach (var parsed in unit.Items.Where(parsed => parsed.Item is { Excludes.Count: > 0 }))
        {
            var item = parsed.Item!;
            foreach (var other in item.Excludes)
            {
                if (!items.TryGetValue(other, out var enemy))
                {
                    parsed.Report.Warning(parsed.ExcludesLine, $"excludes '{other}', which is not an item of unit {item.UnitCode}");
                }
                else if (!enemy.Excludes.Contains(item.Id, StringComparer.Ordinal))
                {
                    parsed.Report.Warning(parsed.ExcludesLine, $"excludes '{other}', but '{other}' does not exclude '{item.Id}': name each other (add excludes: [{item.Id}] to {other})");
                }
            }
        }
    }

    private static void ReportStatementsWithoutItems(UnitContext context, LoadedUnit unit, IReadOnlyList<Item> items)
    {
        var online = context.Outcomes.SelectMany(outcome => outcome.Statements).Where(statement => statement.Online).ToList();
        if (unit.Source.Items.Count == 0 && unit.Source.Tests.Count == 0)
        {
            // A unit whose bank has not been started: one line, not one per statement. A unit whose methods do not
            // include an online test (a portfolio, an assignment) needs no items.
            var testedOnline = context.Methods.Count == 0 || context.Methods.Any(method => method.Method == AssessmentMethod.OnlineTest);
            if (online.Count > 0 && testedOnline)
            {
                unit.UnitReport!.Warning(context.CodeLine, $"unit {context.Code} has no items yet; its {online.Count} online statement(s) need them");
            }

            return;
        }

        var covered = items.SelectMany(item => item.Statements).ToHashSet(StringComparer.Ordinal);
        foreach (var statement in online.Where(statement => !covered.Contains(statement.Reference)))
        {
            unit.UnitReport!.Warning(context.StatementLines[statement.Reference], $"statement '{statement.Reference}' has no items (mark it '(not online)' if it can only be evidenced by performance)");
        }
    }
}
