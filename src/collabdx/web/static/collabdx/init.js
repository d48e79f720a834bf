// Start the NHS.UK frontend components. Everything works without this script:
// it only adds progressive enhancement (e.g. the error summary takes focus).
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'
initAll()

// "Copy link" buttons (collab/wave.jinja): hidden without JavaScript, where the link
// is plain text to select. The clipboard API needs a secure context (HTTPS or
// localhost); elsewhere the link is selected and copied the old way, or left selected.
async function copyText (source) {
  const text = source.textContent.trim()
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    const range = document.createRange()
    range.selectNodeContents(source)
    const selection = window.getSelection()
    selection.removeAllRanges()
    selection.addRange(range)
    try {
      return document.execCommand('copy')
    } catch {
      return false
    }
  }
}

for (const button of document.querySelectorAll('button[data-copy-target]')) {
  const source = document.getElementById(button.dataset.copyTarget)
  const status = document.getElementById(button.dataset.copyStatus)
  if (!source || !status) continue
  button.hidden = false
  button.addEventListener('click', async () => {
    const copied = await copyText(source)
    status.textContent = copied ? 'Link copied' : 'The link is selected: copy it with your keyboard or menu'
  })
}
