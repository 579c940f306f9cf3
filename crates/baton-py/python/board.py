# `board`: the guide's pin names.


class Pin:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "board." + self.name


D0 = Pin("D0"); D1 = Pin("D1"); D2 = Pin("D2"); D3 = Pin("D3"); D4 = Pin("D4")
D5 = Pin("D5"); D6 = Pin("D6"); D7 = Pin("D7"); D8 = Pin("D8"); D9 = Pin("D9")
D10 = Pin("D10"); D11 = Pin("D11"); D12 = Pin("D12"); D13 = Pin("D13")
A0 = Pin("A0"); A1 = Pin("A1"); A2 = Pin("A2"); A3 = Pin("A3"); A4 = Pin("A4"); A5 = Pin("A5")
LED = Pin("LED")
NEOPIXEL = Pin("NEOPIXEL")
