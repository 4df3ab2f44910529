// Counting and wording: pure, no page.

/** "1 mark", "2 marks". */
export function plural(count, word) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function wordsIn(text) {
  return (text || '').trim().split(/\s+/).filter(Boolean).length;
}

/** The hint under a written question, or null when it has no limits. */
export function wordLimits(item) {
  if (item.minWords && item.maxWords) {
    return `Write between ${item.minWords} and ${item.maxWords} words.`;
  }
  if (item.minWords) {
    return `Write at least ${item.minWords} words.`;
  }
  if (item.maxWords) {
    return `Write no more than ${item.maxWords} words.`;
  }
  return null;
}

/** How many words an answer has, where that stands against the item's limits (under, within, over), and the line shown. */
export function wordCount(item, text) {
  const words = wordsIn(text);
  const band = item.maxWords && words > item.maxWords ? 'over' : item.minWords && words < item.minWords ? 'under' : 'within';
  return {
    words,
    band,
    text: plural(words, 'word')
      + (band === 'under' ? ` — ${item.minWords - words} more to reach ${item.minWords}` : '')
      + (band === 'over' ? ` — ${words - item.maxWords} over the limit of ${item.maxWords}` : ''),
  };
}

/** What a screen reader is told when the count crosses a limit; null when it stays on the same side (or had none yet). */
export function bandChange(item, previous, band) {
  if (!previous || previous === band) {
    return null;
  }
  return band === 'over' ? `You have written more than ${item.maxWords} words.`
    : band === 'within' && previous === 'under' ? `You have reached ${item.minWords} words.`
      : band === 'within' ? `You are back within ${item.maxWords} words.`
        : `You now have fewer than ${item.minWords} words.`;
}
