// Building the page's elements.

/**
 * An element with its attributes and children. `className`, `text` and `html` (sanitised by the server) set those
 * properties; null, undefined and false leave an attribute out, true sets it empty; null children are skipped.
 */
export function make(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'className') {
      node.className = value;
    } else if (name === 'html') {
      node.innerHTML = value; // sanitised by the server
    } else if (name === 'text') {
      node.textContent = value;
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child);
    }
  }
  return node;
}
