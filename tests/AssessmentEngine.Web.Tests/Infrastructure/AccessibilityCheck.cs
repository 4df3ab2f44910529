using System.Text.Json;
using AssessmentEngine.Web.Tests.ItemBank;
using Microsoft.Playwright;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// The accessibility check every page gets: axe-core (npm, installed by ./ae test) against WCAG 2.1 A and AA on the page
/// as it stands, and no sideways scrolling at 200 % zoom of a 1280-pixel screen. The page's context must bypass the CSP
/// (the engine rightly refuses injected scripts).
/// </summary>
public static class AccessibilityCheck
{
    public static readonly string Axe = Path.Combine(BankFolder.RepositoryRoot, "tests", "browser", "node_modules", "axe-core", "axe.min.js");

    public static async Task CheckAsync(IPage page, string what)
    {
        Assert.True(File.Exists(Axe), $"{Axe} is missing: ./ae test installs it (npm ci in tests/browser)");
        await page.SetViewportSizeAsync(1280, 900);
        if (!await page.EvaluateAsync<bool>("() => typeof axe !== 'undefined'"))
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Axe });
        }

        var json = await page.EvaluateAsync<string>(
            "async () => JSON.stringify((await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations" +
            ".map(v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))");
        var violations = JsonSerializer.Deserialize<string[]>(json)!;
        Assert.True(violations.Length == 0, $"{what}: {string.Join("; ", violations)}");

        await page.SetViewportSizeAsync(640, 900);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 1, $"{what} needs {overflow} px of horizontal scrolling at 200 % zoom");
        await page.SetViewportSizeAsync(1280, 900);
    }
}
