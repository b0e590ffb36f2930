"""The dialogs and the menu actions that open them."""
