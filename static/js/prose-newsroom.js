// The newsroom's changes to the admin's rich-text editor (django-prose-editor), loaded by its
// configurable preset as a module (settings.DJANGO_PROSE_EDITOR_EXTENSIONS). The exports below
// replace the editor's extensions of the same names:
// - Link: addresses typed or pasted into the text become links (autolink), and typing after a
//   link no longer extends it (the library ties the two together: `inclusive` follows autolink).
// - Caption: Enter in a picture's caption leaves it for a new paragraph below the picture
//   (before, the next paragraph, quote and subheading were typed into the caption).
// - Figure: the picture button pressed while typing a caption inserts a new picture below that
//   one, never replaces it; the paragraph/heading menu shows a picture, not "?", while a
//   picture is selected.
import {
  Caption as BaseCaption,
  Extension,
  Figure as BaseFigure,
  Link as BaseLink,
} from "django-prose-editor/editor"

export const Link = BaseLink.extend({
  inclusive() {
    return false
  },
})

const inCaption = (state) => state.selection.$from.parent.type.name === "caption"

// A new, empty paragraph right after the figure whose caption holds the cursor; the cursor in it.
const leaveCaption = (editor) => {
  const { $from } = editor.state.selection
  const after = $from.after($from.depth - 1)
  return editor
    .chain()
    .insertContentAt(after, { type: "paragraph" })
    .setTextSelection(after + 1)
    .scrollIntoView()
    .run()
}

export const Caption = BaseCaption.extend({
  addKeyboardShortcuts() {
    return {
      ...this.parent?.(),
      Enter: ({ editor }) => inCaption(editor.state) && leaveCaption(editor),
    }
  },
})

export const Figure = BaseFigure.extend({
  addCommands() {
    const commands = this.parent?.() ?? {}
    return {
      ...commands,
      editImage:
        () =>
        (props) => {
          if (!inCaption(props.state)) return commands.editImage()(props)
          if (!props.dispatch) return true
          // After the command that called this one has finished with the document.
          setTimeout(() => {
            leaveCaption(props.editor)
            props.editor.commands.editImage()
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    this.parent?.({ menu, buttons })
    menu.defineItem({
      name: "pictureBlock",
      groups: "blockType",
      priority: 0,
      button: buttons.material("image", "picture"),
      option: document.createElement("span"), // never offered (admin-newsroom.css hides it)
      active: (editor) => editor.isActive("figure") || editor.isActive("image"),
      enabled: () => false,
      command: () => {},
    })
  },
})

// Loads this module: the editor's configuration names it (articles/newsroom/admin.py BODY_EXTENSIONS).
export const NewsroomEditing = Extension.create({ name: "newsroomEditing" })
